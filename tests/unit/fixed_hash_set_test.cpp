// detail/fixed_hash_set.hpp against std::unordered_set: random inserts and erases in a
// small table with a deliberately poor hash (long clusters that wrap around the end),
// and after every step each key present is found, each absent key is not, and every
// stored slot is reachable from its home without crossing an empty slot. Then the
// probe limit, a full table, and the atomic slots the chain set uses.
#include <catch2/catch.hpp>

#include <lockorder/detail/fixed_hash_set.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <unordered_set>

namespace {

using lockorder::detail::atomic_slots;
using lockorder::detail::fixed_hash_set;

constexpr std::size_t slots_n = 64;
using set_t = fixed_hash_set<std::uint32_t, slots_n>;

// Few distinct homes, so clusters are long and cross the end of the array.
std::size_t home(std::uint32_t key) { return (key % 7) * 9 + 60; }

std::size_t find(const set_t& s, std::uint32_t key) {
  return s.probe(home(key), [&](std::uint32_t k) { return k == key; });
}

bool insert(set_t& s, std::uint32_t key) {
  const std::size_t i = find(s, key);
  if (i == s.npos || !s.empty_at(i)) return false;
  s.slots[i] = key;
  return true;
}

bool erase(set_t& s, std::uint32_t key) {
  const std::size_t i = find(s, key);
  if (i == s.npos || s.empty_at(i)) return false;
  s.erase(i, home);
  return true;
}

// Every stored key is reachable: no empty slot lies between its home and its slot.
bool reachable(const set_t& s) {
  for (std::size_t i = 0; i < slots_n; ++i) {
    if (s.empty_at(i)) continue;
    for (std::size_t j = home(s.slots[i]) % slots_n; j != i; j = set_t::next(j))
      if (s.empty_at(j)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("fixed_hash_set agrees with std::unordered_set under inserts and erases") {
  auto s = std::make_unique<set_t>();  // value-initialized: all slots empty
  std::unordered_set<std::uint32_t> model;
  std::mt19937 rng(20261202);
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t key = 1 + rng() % 100;  // 0 is the empty slot
    if (rng() % 2 && model.size() < slots_n * 3 / 4) {
      REQUIRE(insert(*s, key) == model.insert(key).second);
    } else {
      REQUIRE(erase(*s, key) == (model.erase(key) == 1));
    }
    REQUIRE(reachable(*s));
    for (std::uint32_t k = 1; k <= 100; ++k) {
      const std::size_t i = find(*s, k);
      REQUIRE(i != s->npos);
      REQUIRE(!s->empty_at(i) == model.contains(k));
    }
  }
}

TEST_CASE("fixed_hash_set probes at most its limit, and says npos when full") {
  auto s = std::make_unique<set_t>();
  // 7, 14, 21 and 28 all have home 60: they fill slots 60 to 63, in that order.
  for (std::uint32_t k : {7u, 14u, 21u, 28u}) REQUIRE(insert(*s, k));
  CHECK(s->slots[63] == 28);
  const auto at = [&](std::uint32_t key, std::size_t limit) {
    return s->probe(home(key), [&](std::uint32_t k) { return k == key; }, limit);
  };
  CHECK(at(21, 3) == 62);
  CHECK(at(28, 3) == s->npos);
  CHECK(at(28, 4) == 63);
  CHECK(at(35, 4) == s->npos);  // absent, and no empty slot within the limit
  CHECK(at(35, 5) == 0);        // the probe wraps around to the first empty slot
  // Erasing 14 shifts 21 and 28 back toward their home.
  REQUIRE(erase(*s, 14));
  CHECK(s->slots[61] == 21);
  CHECK(s->slots[62] == 28);
  CHECK(s->empty_at(63));
  for (std::uint32_t k = 1; insert(*s, k) || find(*s, k) != s->npos; ++k) {
  }
  for (std::size_t i = 0; i < slots_n; ++i) CHECK(!s->empty_at(i));
  CHECK(find(*s, 1000) == s->npos);  // every slot taken, none matches
  CHECK(!insert(*s, 1000));
}

TEST_CASE("fixed_hash_set's atomic slots read what a release store wrote") {
  auto s = std::make_unique<fixed_hash_set<std::uint64_t, 16, atomic_slots>>();
  CHECK(s->probe(3, [](std::uint64_t) { return true; }) == 3);  // empty: stops at home
  std::atomic_ref<std::uint64_t>(s->slots[3]).store(42, std::memory_order_release);
  std::atomic_ref<std::uint64_t>(s->slots[4]).store(43, std::memory_order_release);
  CHECK(s->probe(3, [](std::uint64_t k) { return k == 43; }) == 4);
  CHECK(s->probe(3, [](std::uint64_t k) { return k == 44; }) == 5);
  CHECK(s->empty_at(5));
  CHECK(!s->empty_at(4));
}
