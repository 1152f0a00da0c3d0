// Own classes reclaimed with their lock (docs/runtime.md#reclaimed-classes), with a small
// class table (LOCKORDER_MAX_CLASSES=64: 62 usable ids) and chain cache, so that ids are
// used again, and caches flushed, every few dozen locks. A process of its own.
#define LOCKORDER_MAX_CLASSES 64
#define LOCKORDER_MAX_CHAINS 256
#include <lockorder/lockorder.hpp>
#include <lockorder/testing.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

LOCKORDER_CLASS(rc_outer);
LOCKORDER_CLASS(rc_inner);
LOCKORDER_CLASS(rc_conn);
LOCKORDER_CLASS(rc_new_a);
LOCKORDER_CLASS(rc_new_b);
LOCKORDER_CLASS(rc_done);

namespace {

struct collector {
  std::vector<lockorder::report> reports;
  lockorder::scoped_report_handler h{[this](const lockorder::report& r) { reports.push_back(r); }};
  std::size_t count(lockorder::report_kind k) const {
    std::size_t n = 0;
    for (const auto& r : reports) n += r.kind == k;
    return n;
  }
};

// How many own-class locks the churn makes: LOCKORDER_TEST_CHURN, else 100,000 (the
// demo of docs/runtime.md runs 1,000,000 in examples/).
long churn_count() {
  const char* n = std::getenv("LOCKORDER_TEST_CHURN");
  return n ? std::atol(n) : 100000;
}

}  // namespace

TEST_CASE("own classes churned by the hundred thousand, then a new inversion is reported") {
  REQUIRE(lockorder::reset_validator());
  collector c;
  lockorder::mutex<rc_outer> outer;
  lockorder::mutex<rc_inner> inner;
  const long n = churn_count();
  for (long i = 0; i < n; ++i) {
    if (i % 7 == 0) {  // wait objects too
      lockorder::completion<rc_done> done(lockorder::own_class);
      {
        std::lock_guard o(outer);
        done.complete();
      }
      done.wait();
    }
    lockorder::mutex<rc_conn> conn(lockorder::own_class);
    std::lock_guard o(outer);
    std::lock_guard k(conn);
    if (i % 3 == 0) {
      std::lock_guard in(inner);  // other locks taken in between
    }
  }
  const auto counters = lockorder::validator_counters_now();
  CHECK(counters.classes_reclaimed >= static_cast<std::uint64_t>(n));
  CHECK(counters.cache_flushes > 0);
  CHECK(counters.classes <= 8);       // outer, inner, rc_conn, rc_done (families), ...
  CHECK(counters.dependencies <= 4);  // outer -> inner, kept through the reclaimed conns
  CHECK(counters.dependencies_not_recorded == 0);
  CHECK(c.reports.empty());  // no limit_reached: the tables never filled

  lockorder::mutex<rc_new_a> a;
  lockorder::mutex<rc_new_b> b;
  { std::lock_guard x(a); std::lock_guard y(b); }
  { std::lock_guard y(b); std::lock_guard x(a); }
  REQUIRE(c.reports.size() == 1);
  CHECK(c.reports[0].kind == lockorder::report_kind::circular_dependency);

  // And between two new own classes.
  lockorder::mutex<rc_conn> p(lockorder::own_class_t{"conn_p"}), q(lockorder::own_class_t{"conn_q"});
  { std::lock_guard x(p); std::lock_guard y(q); }
  { std::lock_guard y(q); std::lock_guard x(p); }
  REQUIRE(c.reports.size() == 2);
  CHECK(c.reports[1].kind == lockorder::report_kind::circular_dependency);
  CHECK(c.reports[1].message.find("conn_p") != std::string::npos);
  CHECK(c.count(lockorder::report_kind::limit_reached) == 0);
}

TEST_CASE("own-class pairs built one after another in the same storage in opposite orders are silent") {
  REQUIRE(lockorder::reset_validator());
  collector c;
  using conn = lockorder::mutex<rc_conn>;
  alignas(conn) unsigned char first[sizeof(conn)], second[sizeof(conn)];
  for (int round = 0; round < 2000; ++round) {  // ids used again many times over
    conn* x = new (first) conn(lockorder::own_class);
    conn* y = new (second) conn(lockorder::own_class);
    if (round % 2) {
      std::lock_guard g1(*x);
      std::lock_guard g2(*y);
    } else {
      std::lock_guard g1(*y);
      std::lock_guard g2(*x);
    }
    y->~conn();
    x->~conn();
  }
  CHECK(c.reports.empty());
  CHECK(lockorder::validator_counters_now().classes_reclaimed == 4000);  // slots used again
  CHECK(lockorder::validator_counters_now().cache_flushes > 0);
}

TEST_CASE("an id used again carries no cached chain and no reported pair, so every round is reported") {
  // Each round, two new own classes in both orders: one report per round. A cache that
  // still vouched for a chain of the ids' former classes would skip the new edges, and a
  // reported pair left from them would silence the new report.
  // Ids go round the table in a pattern that gives the same two ids in the same roles
  // again after about 31 flushes (of 31 rounds each); each order is taken twice, so that
  // the second finds its chain in the global set and caches it in the thread.
  REQUIRE(lockorder::reset_validator());
  collector c;
  constexpr int rounds = 3000;
  for (int round = 0; round < rounds; ++round) {
    lockorder::mutex<rc_conn> x(lockorder::own_class), y(lockorder::own_class);
    for (int twice = 0; twice < 2; ++twice) {
      std::lock_guard g1(x);
      std::lock_guard g2(y);
    }
    for (int twice = 0; twice < 2; ++twice) {
      std::lock_guard g2(y);
      std::lock_guard g1(x);
    }
  }
  CHECK(c.count(lockorder::report_kind::circular_dependency) == rounds);
  CHECK(c.reports.size() == rounds);
  CHECK(lockorder::validator_counters_now().cache_flushes > 10);
}

TEST_CASE("a path A -> X -> B through a reclaimed class X is kept, so B then A is reported") {
  REQUIRE(lockorder::reset_validator());
  collector c;
  lockorder::mutex<rc_new_a> a;
  lockorder::mutex<rc_new_b> b;
  {
    lockorder::mutex<rc_conn> x(lockorder::own_class_t{"conn_x"});
    { std::lock_guard g1(a); std::lock_guard g2(x); }
    { std::lock_guard g2(x); std::lock_guard g3(b); }
  }
  CHECK(lockorder::validator_counters_now().classes_reclaimed == 1);
  { std::lock_guard g3(b); std::lock_guard g1(a); }
  REQUIRE(c.reports.size() == 1);
  const lockorder::report& r = c.reports[0];
  CHECK(r.kind == lockorder::report_kind::circular_dependency);
  REQUIRE(r.chain.size() == 2);
  CHECK(r.chain[0].through_reclaimed);
  CHECK(r.chain[0].from.class_name == "rc_new_a");
  CHECK(r.chain[0].to.class_name == "rc_new_b");
  CHECK(r.text().find("own class was reclaimed") != std::string::npos);
  CHECK(!r.chain[1].through_reclaimed);
}

TEST_CASE("two recursive readers of a reclaimed class make no path") {
  // A -> X taken as a recursive reader, X held as one -> B: no strong path A -> B (two
  // readers never wait for each other), so none is kept.
  REQUIRE(lockorder::reset_validator());
  collector c;
  lockorder::mutex<rc_new_a> a;
  lockorder::mutex<rc_new_b> b;
  {
    lockorder::shared_mutex<rc_conn> x(lockorder::own_class);
    { std::lock_guard g1(a); std::shared_lock r(x); }
    { std::shared_lock r(x); std::lock_guard g3(b); }
  }
  { std::lock_guard g3(b); std::lock_guard g1(a); }
  CHECK(c.reports.empty());
}

TEST_CASE("a lock destroyed while held keeps its class") {
  REQUIRE(lockorder::reset_validator());
  collector c;
  auto* x = new lockorder::mutex<rc_conn>(lockorder::own_class);
  x->lock();
  delete x;  // reported; another thread could have it on its held stack: not reclaimed
  CHECK(c.count(lockorder::report_kind::destroyed_while_held) == 1);
  CHECK(lockorder::validator_counters_now().classes_reclaimed == 0);
}

TEST_CASE("threads churning own classes while others take cached sequences") {
  REQUIRE(lockorder::reset_validator());
  collector c;
  lockorder::mutex<rc_outer> outer;
  lockorder::mutex<rc_inner> inner;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        if (t % 2) {
          lockorder::mutex<rc_conn> conn(lockorder::own_class);
          std::lock_guard o(outer);
          std::lock_guard k(conn);
        } else {
          std::lock_guard o(outer);
          std::lock_guard in(inner);
        }
      }
    });
  for (auto& th : threads) th.join();
  CHECK(c.reports.empty());
  CHECK(lockorder::validator_counters_now().classes_reclaimed == 10000);
}
