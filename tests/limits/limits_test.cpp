// Small tables: when one fills (or a thread holds more than LOCKORDER_MAX_HELD locks),
// one limit_reached report, and the validator goes on checking what it recorded. Also: a
// cached chain allocates nothing, and LOCKORDER_OPTIONS is read from the environment. A
// process of its own, because filling a table is for good.
#define LOCKORDER_MAX_CLASSES 72  // the 67 classes here fit: only the edge table fills
#define LOCKORDER_MAX_EDGES 32
#define LOCKORDER_MAX_CHAINS 256
#define LOCKORDER_MAX_HELD 4
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <vector>

#include "../support/numbered_pairs.hpp"
#include "../support/test_allocator.hpp"

using test_allocator::allocations;

LOCKORDER_CLASS(lim_a);
LOCKORDER_CLASS(lim_b);


TEST_CASE("LOCKORDER_OPTIONS is read from the environment") {
  CHECK(lockorder::get_report_mode() == lockorder::report_mode::abort);
  lockorder::set_report_mode(lockorder::report_mode::log);
}

TEST_CASE("an acquisition whose chain was seen before allocates nothing") {
  lockorder::mutex<lim_a> a;
  lockorder::mutex<lim_b> b;
  { std::lock_guard g(a); std::lock_guard h(b); }  // learn the chain
  test_allocator::counting_allocations = true;
  for (int i = 0; i < 1000; ++i) {
    std::lock_guard g(a);
    std::lock_guard h(b);
  }
  test_allocator::counting_allocations = false;
  CHECK(allocations == 0);
}

LOCKORDER_CLASS(lim_h1, 1);
LOCKORDER_CLASS(lim_h2, 2);
LOCKORDER_CLASS(lim_h3, 3);
LOCKORDER_CLASS(lim_h4, 4);
LOCKORDER_CLASS(lim_h5, 5);

TEST_CASE("more locks held than LOCKORDER_MAX_HELD: said once, released cleanly") {
  std::vector<lockorder::report> reports;
  lockorder::scoped_report_handler h([&](const lockorder::report& r) { reports.push_back(r); });
  for (int round = 0; round < 2; ++round) {
    lockorder::mutex<lim_h1> m1;
    lockorder::mutex<lim_h2> m2;
    lockorder::mutex<lim_h3> m3;
    lockorder::mutex<lim_h4> m4;
    lockorder::shared_mutex<lim_h5> m5;
    std::lock_guard g1(m1);
    std::lock_guard g2(m2);
    std::lock_guard g3(m3);
    std::lock_guard g4(m4);
    if (round == 0) {
      std::lock_guard g5(m5);  // the fifth: past the table, not recorded
    } else {
      std::shared_lock g5(m5);
    }
  }  // destroyed after release: no "destroyed while held", no bad unlock
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].kind == lockorder::report_kind::limit_reached);
  CHECK(reports[0].message.find("LOCKORDER_MAX_HELD (4)") != std::string::npos);
}

// The locks of numbered<0> and numbered<1>, whose dependency is the first one recorded.
std::tuple<lockorder::mutex<numbered<0>::cls>, lockorder::mutex<numbered<1>::cls>> pair_locks;

TEST_CASE("a full table says so once and the program goes on") {
  std::vector<lockorder::report> reports;
  lockorder::scoped_report_handler h([&](const lockorder::report& r) { reports.push_back(r); });
  take_pairs(std::make_integer_sequence<int, 48>{});
  // The edge table fills (said once); the stack-frame pool, sized in proportion, may fill
  // first (said once too, and learning goes on without stacks).
  long edges_full = 0, frames_full = 0;
  for (const auto& r : reports) {
    REQUIRE(r.kind == lockorder::report_kind::limit_reached);
    edges_full += r.message.find("LOCKORDER_MAX_EDGES") != std::string::npos;
    frames_full += r.message.find("stack frame pool") != std::string::npos;
  }
  CHECK(edges_full == 1);
  CHECK(lockorder::validator_counters_now().dependencies_not_recorded > 0);
  CHECK(frames_full <= 1);
  CHECK(reports.size() == static_cast<std::size_t>(edges_full + frames_full));
  // Said once: the same and new dependencies are not reported again.
  const auto before = reports.size();
  take_pairs(std::make_integer_sequence<int, 48>{});
  take_pairs(std::make_integer_sequence<int, 60>{});
  CHECK(reports.size() == before);
  // It goes on checking what it recorded: an inversion of a recorded dependency.
  {
    std::lock_guard g(std::get<1>(pair_locks));
    std::lock_guard h(std::get<0>(pair_locks));  // 0 -> 1 was recorded before the table filled
  }
  REQUIRE(reports.size() == before + 1);
  CHECK(reports.back().kind == lockorder::report_kind::circular_dependency);
}

int main(int argc, char** argv) {
  setenv("LOCKORDER_OPTIONS", "mode=abort", 1);
  return Catch::Session().run(argc, argv);
}
