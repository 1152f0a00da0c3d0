// lockorder/detail/fixed_hash_set.hpp — the validator's open-addressing tables (the
// chain set, the reported set, the named instances, the dependency graph's edge index):
// slots in a fixed array, found by linear probing from a home slot. Internal: not a
// stable interface.
//
// Contract:
//   - Size is a power of two. The set is its array of slots and nothing else: trivially
//     constructible, it lives in zeroed memory (the validator's calloc'd state, a
//     constinit global), where a zero slot is empty (Traits::empty).
//   - The caller hashes: every call takes a key's home, of which only the low bits are
//     used (so the hash must mix them), and a predicate that recognises the key's slot.
//   - probe() visits the slots from the home on and returns the first one that is empty
//     or that the predicate accepts, or npos after `limit` slots. A key is stored (by
//     the caller, in place) at the empty slot probe() returned for it. Nothing moves a
//     stored slot but erase().
//   - erase() empties a slot and shifts back the later slots of its cluster that the
//     hole would cut off from their homes (home_of(slot) recomputes one): no tombstones,
//     so probe() stays exact. It reads and moves slots plainly, so it is only for sets
//     that no thread probes without the lock (not atomic_slots: a moving slot would be
//     missed), and it needs one empty slot in the table to stop at.
//   - The set keeps no count. Its user bounds the load and decides what a full table
//     means: the chain set counts its keys and stops at 3/4 (said once, limit_reached);
//     the graph's index has at least twice as many slots as edges, so it is never full;
//     the reported set stops one slot short of full (a report is then delivered again
//     rather than once); the named instances may fill (a lock named later stays unnamed).
//   - Traits::read is how a slot is read: plainly, under the validator's lock; or, for
//     the chain set, which threads probe without it, as an atomic acquire load
//     (atomic_slots) paired with the release store of the insert.
// Cost: no allocation, no lock, no code until used. At load factor a, a probe visits
// about (1 + 1/(1-a)^2)/2 slots for an absent key and (1 + 1/(1-a))/2 for a present one
// (Knuth's linear-probing bounds: 8.5 and 2.5 at a = 3/4), consecutive in memory.
// erase() costs the rest of the cluster. tests/unit/fixed_hash_set_test.cpp checks it against
// std::unordered_set.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace lockorder::detail {

/// Slots read plainly (under the lock); empty when equal to a value-initialized slot.
template <class Slot>
struct plain_slots {
  static const Slot& read(const Slot& s) noexcept { return s; }
  static bool empty(const Slot& s) noexcept { return s == Slot{}; }
};

/// Words read with an acquire load through std::atomic_ref, so threads may probe while
/// one thread (under the lock) stores with release: see the chain set (rt_tables.hpp).
struct atomic_slots {
  static std::uint64_t read(const std::uint64_t& s) noexcept {
    return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(s))
        .load(std::memory_order_acquire);
  }
  static bool empty(std::uint64_t s) noexcept { return s == 0; }
};

template <class Slot, std::size_t Size, class Traits = plain_slots<Slot>>
struct fixed_hash_set {
  static_assert(Size >= 2 && (Size & (Size - 1)) == 0, "a fixed_hash_set's size is a power of two");
  static constexpr std::size_t size = Size;
  static constexpr std::size_t npos = Size;

  Slot slots[Size];

  static constexpr std::size_t next(std::size_t i) noexcept { return (i + 1) & (Size - 1); }

  /// The first slot, from home's, that is empty or that match(slot value) accepts; npos
  /// when `limit` slots are neither. match sees occupied slots only.
  template <class Match>
  std::size_t probe(std::size_t home, Match match, std::size_t limit = Size) const noexcept {
    std::size_t i = home & (Size - 1);
    for (std::size_t n = 0; n < limit; ++n, i = next(i)) {
      const auto& s = Traits::read(slots[i]);
      if (Traits::empty(s) || match(s)) return i;
    }
    return npos;
  }

  [[nodiscard]] bool empty_at(std::size_t i) const noexcept {
    return Traits::empty(Traits::read(slots[i]));
  }

  /// Empties slot i (under the lock), shifting back the slots after it that an empty
  /// slot i would cut off from their home (home_of(slot)).
  template <class HomeOf>
  void erase(std::size_t i, HomeOf home_of) noexcept {
    static_assert(!std::is_same_v<Traits, atomic_slots>,
                  "erase() moves slots plainly: not for a set probed without the lock");
    for (std::size_t j = next(i); !empty_at(j); j = next(j)) {
      const std::size_t h = home_of(slots[j]) & (Size - 1);
      // Move slot j into the hole unless its home lies cyclically in (i, j].
      if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
        slots[i] = slots[j];
        i = j;
      }
    }
    slots[i] = Slot{};
  }
};

}  // namespace lockorder::detail
