// m.assert_held() / m.assert_not_held(): the run-time form of "this must be called with
// m held" (lockdep_assert_held, absl::Mutex::AssertHeld). A failed assertion is one report
// of kind assertion_failed naming the lock, the site and what the thread holds.
#include "report_collector.hpp"

#include <lockorder/lockorder.hpp>

#include <catch2/catch.hpp>

#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

namespace {
LOCKORDER_CLASS(as_dev, 10);
LOCKORDER_CLASS(as_stats, 20);
LOCKORDER_CLASS(as_rw);
}  // namespace

TEST_CASE("assert_held: silent when held, a report when not") {
  report_collector c;
  lockorder::mutex<as_dev> dev;
  lockorder::mutex<as_stats> stats;
  dev.assert_not_held();
  {
    std::lock_guard g(dev);
    dev.assert_held();
    stats.assert_not_held();
  }
  CHECK(c.size() == 0);
  const unsigned line = __LINE__ + 1;
  dev.assert_held();
  REQUIRE(c.count(lockorder::report_kind::assertion_failed) == 1);
  const lockorder::report r = c.first(lockorder::report_kind::assertion_failed);
  CHECK(r.acquiring.class_name.find("as_dev") != std::string::npos);
  CHECK(r.acquiring.acquired_at.line == line);
  CHECK(r.message.find("does not") != std::string::npos);
  CHECK(r.text().find("lock assertion failed") != std::string::npos);
}

TEST_CASE("assert_not_held: a report when this thread holds it, naming what it holds") {
  report_collector c;
  lockorder::mutex<as_dev> dev;
  lockorder::mutex<as_stats> stats;
  auto g = lockorder::unlocked().lock(dev);
  auto s = g.lock(stats);
  stats.assert_not_held();
  REQUIRE(c.count(lockorder::report_kind::assertion_failed) == 1);
  const lockorder::report r = c.first(lockorder::report_kind::assertion_failed);
  CHECK(r.held.size() == 2);
  CHECK(r.message.find("does not hold") != std::string::npos);
}

TEST_CASE("assert_held: held by another thread is not held") {
  report_collector c;
  lockorder::mutex<as_dev> dev;
  dev.lock();
  std::thread([&] { dev.assert_held(); }).join();
  dev.unlock();
  REQUIRE(c.count(lockorder::report_kind::assertion_failed) == 1);
  CHECK(c.first(lockorder::report_kind::assertion_failed).message.find("held by") !=
        std::string::npos);
}

TEST_CASE("assert_held: a shared_mutex held in either mode is held") {
  report_collector c;
  lockorder::shared_mutex<as_rw> rw;
  {
    std::shared_lock r(rw);
    rw.assert_held();
  }
  {
    std::unique_lock w(rw);
    rw.assert_held();
  }
  CHECK(c.size() == 0);
  rw.assert_held();
  CHECK(c.count(lockorder::report_kind::assertion_failed) == 1);
}

LOCKORDER_CLASS(as_done);
LOCKORDER_CLASS(as_reclaim);

TEST_CASE("assert_held on a completion: inside its signalling section") {
  report_collector c;
  lockorder::completion<as_done> done;
  {
    auto section = done.signalling();
    done.assert_held();  // inside: held in the only sense a completion has
  }
  done.assert_not_held();
  CHECK(c.size() == 0);
  done.assert_held();
  CHECK(c.count(lockorder::report_kind::assertion_failed) == 1);
}

TEST_CASE("assert_held on an annotation: held around its region") {
  report_collector c;
  lockorder::annotation<as_reclaim> reclaim;
  {
    lockorder::notifier_section s(reclaim);
    reclaim.assert_held();
  }
  reclaim.assert_not_held();
  CHECK(c.size() == 0);
  reclaim.assert_held();
  CHECK(c.count(lockorder::report_kind::assertion_failed) == 1);
}
