// The run-time validator: one test per report kind and per rule, each with classes of
// its own (the class graph is process-wide and never forgets).
#include "report_collector.hpp"

#include <lockorder/detail/testing.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

using lockorder::report_kind;

namespace {

// A lock that is not undefined behaviour to destroy or unlock oddly: for the misuse tests.
class test_spinlock {
 public:
  void lock() noexcept {
    while (flag_.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
  }
  bool try_lock() noexcept { return !flag_.test_and_set(std::memory_order_acquire); }
  void unlock() noexcept { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

// A reader-preferring rwlock: readers never wait behind writers, so read-read in opposite
// orders cannot deadlock. (glibc's default rwlock, under std::shared_mutex, is one.)
struct reader_rwlock : std::shared_mutex {};
// A writer-preferring one (say, a fair rwlock): a reader can wait behind a waiting writer.
struct writer_rwlock : std::shared_mutex {};

bool mentions_this_file(const lockorder::site& s) {
  return s.file.find("runtime_test.cpp") != std::string::npos;
}

}  // namespace

template <>
inline constexpr bool lockorder::reader_recursive_v<reader_rwlock> = true;
template <>
inline constexpr bool lockorder::reader_recursive_v<writer_rwlock> = false;

LOCKORDER_CLASS(rt_abba_a);
LOCKORDER_CLASS(rt_abba_b);

TEST_CASE("AB-BA across two threads: one circular dependency, every edge with its site") {
  report_collector c;
  lockorder::mutex<rt_abba_a> a;
  lockorder::mutex<rt_abba_b> b;
  std::thread([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  }).join();
  b.lock();
  a.lock();  // closes the cycle: reported before it would block
  a.unlock();
  b.unlock();
  REQUIRE(c.size() == 1);
  const auto r = c.first(report_kind::circular_dependency);
  REQUIRE(r.kind == report_kind::circular_dependency);
  REQUIRE(r.chain.size() == 2);
  CHECK(r.acquiring.class_name == "rt_abba_a");
  CHECK(r.chain[0].from.class_name == "rt_abba_a");
  CHECK(r.chain[0].to.class_name == "rt_abba_b");
  CHECK(r.chain[1].from.class_name == "rt_abba_b");
  CHECK(r.chain[1].to.class_name == "rt_abba_a");
  for (const auto& d : r.chain) {
    CHECK(mentions_this_file(d.first_seen));
    CHECK(d.first_seen.line > 0);
    CHECK(mentions_this_file(d.from_acquired_at));
  }
  CHECK(r.chain[0].thread != r.chain[1].thread);
  REQUIRE(r.held.size() == 1);
  CHECK(r.held[0].class_name == "rt_abba_b");
  const std::string text = r.text();
  CHECK(text.find("possible circular locking dependency") != std::string::npos);
  CHECK(text.find("Possible unsafe locking scenario") != std::string::npos);
}

LOCKORDER_CLASS(rt_one_a);
LOCKORDER_CLASS(rt_one_b);

TEST_CASE("AB-BA in one thread is reported once, however often it repeats") {
  report_collector c;
  lockorder::mutex<rt_one_a> a;
  lockorder::mutex<rt_one_b> b;
  for (int i = 0; i < 3; ++i) {
    { std::scoped_lock g(a); std::lock_guard h(b); }
    { std::lock_guard g(b); std::lock_guard h(a); }
  }
  CHECK(c.count(report_kind::circular_dependency) == 1);
  CHECK(c.size() == 1);
}

LOCKORDER_CLASS(rt_c0);
LOCKORDER_CLASS(rt_c1);
LOCKORDER_CLASS(rt_c2);
LOCKORDER_CLASS(rt_c3);
LOCKORDER_CLASS(rt_c4);

template <class... M>
void take_in_order(M&... m) {
  (m.lock(), ...);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    auto t = std::tie(m...);
    ((std::get<sizeof...(M) - 1 - I>(t).unlock()), ...);
  }(std::index_sequence_for<M...>{});
}

TEST_CASE("cycles of 3, 4 and 5 classes give one report with the whole chain") {
  lockorder::mutex<rt_c0> m0;
  lockorder::mutex<rt_c1> m1;
  lockorder::mutex<rt_c2> m2;
  lockorder::mutex<rt_c3> m3;
  lockorder::mutex<rt_c4> m4;
  // Chain 0 -> 1 -> 2 -> 3 -> 4, learned pairwise (no single thread ever holds three).
  take_in_order(m0, m1);
  take_in_order(m1, m2);
  take_in_order(m2, m3);
  take_in_order(m3, m4);
  for (int len : {3, 4, 5}) {
    report_collector c;
    if (len == 3) take_in_order(m2, m0);
    if (len == 4) take_in_order(m3, m0);
    if (len == 5) take_in_order(m4, m0);
    REQUIRE(c.count(report_kind::circular_dependency) == 1);
    REQUIRE(c.size() == 1);
    const auto r = c.first(report_kind::circular_dependency);
    REQUIRE(r.chain.size() == static_cast<std::size_t>(len));
    CHECK(r.chain.front().from.class_name == "rt_c0");
    for (std::size_t i = 0; i + 1 < r.chain.size(); ++i)
      CHECK(r.chain[i].to.class_name == r.chain[i + 1].from.class_name);
    for (const auto& d : r.chain) CHECK(d.first_seen.known());
    CHECK(r.text().find("Chain exists of:") != std::string::npos);
  }
}

LOCKORDER_CLASS(rt_inst_a);
LOCKORDER_CLASS(rt_inst_b);

TEST_CASE("a class-level cycle over different instances is still a cycle") {
  report_collector c;
  lockorder::mutex<rt_inst_a> a1, a2;
  lockorder::mutex<rt_inst_b> b1, b2;
  take_in_order(a1, b1);
  take_in_order(b2, a2);
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(rt_try_a);
LOCKORDER_CLASS(rt_try_b);
LOCKORDER_CLASS(rt_try_c);

TEST_CASE("a try-lock against the order is not a dependency, but orders what follows") {
  report_collector c;
  lockorder::mutex<rt_try_a> a;
  lockorder::mutex<rt_try_b> b;
  lockorder::mutex<rt_try_c> cc;
  take_in_order(a, b);
  b.lock();
  REQUIRE(a.try_lock());  // B then try A: no edge into A, no report
  a.unlock();
  b.unlock();
  CHECK(c.size() == 0);
  // What follows a try-lock depends on it: A(try) -> C, then C -> A closes a cycle.
  REQUIRE(a.try_lock());
  cc.lock();
  cc.unlock();
  a.unlock();
  take_in_order(cc, a);
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(rt_rr_a);
LOCKORDER_CLASS(rt_rr_b);
LOCKORDER_CLASS(rt_rw_a);
LOCKORDER_CLASS(rt_rw_b);
LOCKORDER_CLASS(rt_nr_a);
LOCKORDER_CLASS(rt_nr_b);

LOCKORDER_CLASS(rt_std_a);
LOCKORDER_CLASS(rt_std_b);

TEST_CASE("readers: std::shared_mutex (glibc) read-read in opposite orders is not reported") {
  report_collector c;
  lockorder::shared_mutex<rt_std_a> a;
  lockorder::shared_mutex<rt_std_b> b;
  { std::shared_lock g(a); std::shared_lock h(b); }
  { std::shared_lock g(b); std::shared_lock h(a); }
  CHECK(c.size() == 0);
  { std::unique_lock g(b); std::unique_lock h(a); }  // but a writer in the cycle is
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

TEST_CASE("readers: read-read in opposite orders on reader-recursive locks is not reported") {
  report_collector c;
  lockorder::shared_mutex<rt_rr_a, reader_rwlock> a;
  lockorder::shared_mutex<rt_rr_b, reader_rwlock> b;
  { std::shared_lock g(a); std::shared_lock h(b); }
  { std::shared_lock g(b); std::shared_lock h(a); }
  CHECK(c.size() == 0);
}

TEST_CASE("readers: a read/write inversion is reported") {
  report_collector c;
  lockorder::shared_mutex<rt_rw_a, reader_rwlock> a;
  lockorder::shared_mutex<rt_rw_b, reader_rwlock> b;
  { std::shared_lock g(a); std::unique_lock h(b); }  // A(read) -> B(write)
  { std::unique_lock g(b); std::unique_lock h(a); }  // B(write) -> A(write)
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

TEST_CASE("readers: read-read ABBA on writer-preferring rwlocks can deadlock, and is reported") {
  report_collector c;
  lockorder::shared_mutex<rt_nr_a, writer_rwlock> a;
  lockorder::shared_mutex<rt_nr_b, writer_rwlock> b;
  { std::shared_lock g(a); std::shared_lock h(b); }
  { std::shared_lock g(b); std::shared_lock h(a); }
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(rt_aa);
LOCKORDER_CLASS(rt_same);

TEST_CASE("AA: the very lock again is reported before the thread would block") {
  report_collector c;
  // A recursive mutex underneath, so that the second lock does not hang the test.
  lockorder::mutex<rt_aa, std::recursive_mutex> m;
  m.lock();
  m.lock();
  m.unlock();
  m.unlock();
  REQUIRE(c.count(report_kind::recursive_lock) == 1);
  CHECK(c.first(report_kind::recursive_lock).message.find("this very lock") != std::string::npos);
}

TEST_CASE("two locks of one class without a nesting annotation: possible recursive locking") {
  report_collector c;
  lockorder::mutex<rt_same> x, y;
  take_in_order(x, y);
  CHECK(c.count(report_kind::recursive_lock) == 1);
}

LOCKORDER_CLASS(rt_nest);

TEST_CASE("nesting subclasses and lock_all are not recursive locking") {
  report_collector c;
  lockorder::mutex<rt_nest> x, y, z;
  x.lock();
  y.lock_nested(1);
  y.unlock();
  x.unlock();
  {
    auto g = lockorder::unlocked().lock_all(y, z);
  }
  std::thread([&] { auto g = lockorder::unlocked().lock_all(z, y); }).join();
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(rt_level_low, 110);
LOCKORDER_CLASS(rt_level_high, 120);

TEST_CASE("breaking declared levels is reported at once, before any cycle exists") {
  report_collector c;
  lockorder::mutex<rt_level_low> low;
  lockorder::mutex<rt_level_high> high;
  { std::lock_guard g(high); std::lock_guard h(low); }
  REQUIRE(c.count(report_kind::order_violation) == 1);
  const auto r = c.first(report_kind::order_violation);
  REQUIRE(r.chain.size() == 1);
  CHECK(r.chain[0].from.class_name == "rt_level_high");
  CHECK(r.chain[0].from.level == 120);
  CHECK(r.chain[0].to.class_name == "rt_level_low");
  CHECK(r.text().find("level 120") != std::string::npos);
  // The violating dependency is not learned, so the legal order never reports a cycle.
  { std::lock_guard g(low); std::lock_guard h(high); }
  CHECK(c.size() == 1);
}

LOCKORDER_CLASS(rt_bad_unlock);

TEST_CASE("unlock of a lock not held is reported and not performed") {
  report_collector c;
  lockorder::mutex<rt_bad_unlock, test_spinlock> m;
  m.unlock();
  REQUIRE(c.count(report_kind::bad_unlock) == 1);
  CHECK(c.first(report_kind::bad_unlock).message.find("not held at all") != std::string::npos);
  // Held by another thread: still reported, the owner is named, the lock stays held.
  std::atomic<bool> locked{false}, done{false};
  std::thread t([&] {
    m.lock();
    locked = true;
    while (!done) std::this_thread::yield();
    m.unlock();
  });
  while (!locked) std::this_thread::yield();
  m.unlock();
  CHECK(c.count(report_kind::bad_unlock) == 2);
  CHECK(c.reports.back().message.find("held by") != std::string::npos);
  CHECK_FALSE(m.native().try_lock());
  done = true;
  t.join();
}

LOCKORDER_CLASS(rt_wrong_kind);
LOCKORDER_CLASS(rt_wrong_kind_std);

// A SharedLockable that counts its holders, to see which unlocks were carried out.
struct counting_rw {
  int writers = 0, readers = 0;
  void lock() { ++writers; }
  bool try_lock() { return ++writers; }
  void unlock() { --writers; }
  void lock_shared() { ++readers; }
  bool try_lock_shared() { return ++readers; }
  void unlock_shared() { --readers; }
};

TEST_CASE("an unlock of the wrong kind is reported at that call and not performed") {
  report_collector c;
  lockorder::shared_mutex<rt_wrong_kind, counting_rw> m;
  m.lock(); const unsigned taken_line = __LINE__;
  m.unlock_shared();
  REQUIRE(c.count(report_kind::bad_unlock) == 1);
  const auto r = c.first(report_kind::bad_unlock);
  CHECK(r.message.find("unlock_shared() a lock it holds exclusively") != std::string::npos);
  CHECK(r.taken_at.line == taken_line);  // where it was taken, besides where released
  CHECK(r.text().find("took at:") != std::string::npos);
  CHECK(m.native().writers == 1);  // not performed: still held, and releasable
  CHECK(m.native().readers == 0);
  m.unlock();
  CHECK(m.native().writers == 0);
  m.lock_shared();
  m.unlock();
  CHECK(c.count(report_kind::bad_unlock) == 2);
  CHECK(c.reports.back().message.find("unlock() a lock it holds shared") != std::string::npos);
  CHECK(m.native().readers == 1);
  m.unlock_shared();
  CHECK(m.native().readers == 0);
  CHECK(c.size() == 2);

  lockorder::shared_mutex<rt_wrong_kind_std> s;  // over std::shared_mutex: no UB reached
  s.lock();
  s.unlock_shared();
  CHECK(c.count(report_kind::bad_unlock) == 3);
  CHECK_FALSE(s.native().try_lock_shared());  // still held exclusively
  s.unlock();
  REQUIRE(s.native().try_lock());
  s.native().unlock();
  s.lock_shared();
  s.unlock();
  CHECK(c.count(report_kind::bad_unlock) == 4);
  CHECK_FALSE(s.native().try_lock());  // still held shared
  s.unlock_shared();
  CHECK(c.size() == 4);
}

LOCKORDER_CLASS(rt_scn_a);
LOCKORDER_CLASS(rt_scn_b);
LOCKORDER_CLASS(rt_scn_c);
LOCKORDER_CLASS(rt_scn_d);
LOCKORDER_CLASS(rt_scn_m);
LOCKORDER_CLASS(rt_scn_done);

// The four lines of the "Possible unsafe locking scenario" table, without the padding.
static std::vector<std::string> scenario_lines(const lockorder::report& r) {
  const std::string text = r.text();
  std::size_t at = text.find("CPU1\n");
  if (at != std::string::npos) at = text.find('\n', at + 5);  // the "----" line
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < 4 && at != std::string::npos; ++i) {
    const std::size_t start = text.find('\n', at) + 1, end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    line.erase(0, line.find_first_not_of(' '));
    lines.push_back(line);
    at = end;
  }
  return lines;
}

TEST_CASE("the unsafe-locking scenario shows each side's real mode, and waits as waits") {
  report_collector c;
  SECTION("a writer on the other CPU: lock(), not rlock()") {
    lockorder::shared_mutex<rt_scn_a> a;
    lockorder::mutex<rt_scn_b> b;
    std::thread([&] { std::lock_guard gb(b); std::lock_guard ga(a); }).join();  // b -> a, write
    std::shared_lock ra(a);
    std::lock_guard gb(b);  // a (read) -> b: closes the cycle
    REQUIRE(c.count(report_kind::circular_dependency) == 1);
    const auto lines = scenario_lines(c.first(report_kind::circular_dependency));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "rlock(rt_scn_a);");
    CHECK(lines[1] == "lock(rt_scn_b);");
    CHECK(lines[2] == "lock(rt_scn_a);");  // the writer, as it took it
    CHECK(lines[3] == "lock(rt_scn_b);");
  }
  SECTION("a reader on the other CPU, a writer here") {
    lockorder::shared_mutex<rt_scn_c> a;
    lockorder::mutex<rt_scn_d> b;
    std::thread([&] { std::lock_guard gb(b); std::shared_lock ra(a); }).join();  // b -> a, read
    std::lock_guard wa(a);
    std::lock_guard gb(b);  // a (write) -> b
    REQUIRE(c.count(report_kind::circular_dependency) == 1);
    const auto lines = scenario_lines(c.first(report_kind::circular_dependency));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "lock(rt_scn_c);");
    CHECK(lines[1] == "lock(rt_scn_d);");
    CHECK(lines[2] == "rlock(rt_scn_c);");  // the reader, as it took it
    CHECK(lines[3] == "lock(rt_scn_d);");
  }
  SECTION("a cycle through a wait") {
    lockorder::mutex<rt_scn_m> m;
    lockorder::completion<rt_scn_done> done;
    std::thread([&] { std::lock_guard g(m); done.complete(); }).join();  // done -> m
    done.reinit();
    std::lock_guard g(m);
    done.wait_for(std::chrono::milliseconds(0));  // timed: not recorded
    CHECK(c.size() == 0);
    done.complete();
    done.wait();  // m -> done: waits while holding what the signaller took
    REQUIRE(c.count(report_kind::circular_dependency) == 1);
    const auto lines = scenario_lines(c.first(report_kind::circular_dependency));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "lock(rt_scn_m);");
    CHECK(lines[1] == "complete((completion)rt_scn_done);");
    CHECK(lines[2] == "lock(rt_scn_m);");
    CHECK(lines[3] == "wait((completion)rt_scn_done);");
  }
}

LOCKORDER_CLASS(rt_destroyed);

TEST_CASE("a lock destroyed while held is reported") {
  report_collector c;
  auto m = std::make_unique<lockorder::mutex<rt_destroyed, test_spinlock>>();
  m->lock(); const unsigned taken_line = __LINE__;
  m.reset();
  REQUIRE(c.count(report_kind::destroyed_while_held) == 1);
  CHECK(c.first(report_kind::destroyed_while_held).taken_at.line == taken_line);
}

LOCKORDER_CLASS(rt_exit);

TEST_CASE("a thread that exits holding a lock is reported") {
  report_collector c;
  lockorder::mutex<rt_exit, test_spinlock> m;
  std::thread([&] { m.lock(); }).join();
  REQUIRE(c.count(report_kind::held_at_thread_exit) == 1);
  CHECK(c.first(report_kind::held_at_thread_exit).held.size() == 1);
  m.native().unlock();
}

LOCKORDER_CLASS(rt_stale_a, 210);
LOCKORDER_CLASS(rt_stale_b, 220);
LOCKORDER_CLASS(rt_stale_c, 230);

TEST_CASE("a stale context is reported at run time") {
  report_collector c;
  lockorder::mutex<rt_stale_a> a;
  lockorder::mutex<rt_stale_b> b;
  lockorder::mutex<rt_stale_c> cc;
  auto ga = lockorder::unlocked().lock(a);
  {
    auto gb = ga.lock(b);
    CHECK(c.size() == 0);
    auto gc = ga.lock(cc);  // ga no longer says what the thread holds
    CHECK(c.count(report_kind::stale_context) == 1);
  }
  auto gc = ga.lock(cc);  // gb is gone: ga is the innermost context again
  CHECK(c.count(report_kind::stale_context) == 1);
}

LOCKORDER_CLASS(rt_throw_a);
LOCKORDER_CLASS(rt_throw_b);

TEST_CASE("throw mode: the acquisition throws before blocking and holds nothing") {
  lockorder::mutex<rt_throw_a> a;
  lockorder::mutex<rt_throw_b> b;
  take_in_order(a, b);
  const auto saved = lockorder::get_report_mode();
  lockorder::set_report_mode(lockorder::report_mode::throw_exception);
  b.lock();
  try {
    a.lock();
    FAIL("no exception");
  } catch (const lockorder::lock_order_error& e) {
    CHECK(e.get_report().kind == report_kind::circular_dependency);
  }
  lockorder::set_report_mode(saved);
  CHECK(a.try_lock());  // not left locked by the failed acquisition
  a.unlock();
  b.unlock();
}

LOCKORDER_CLASS(rt_own);

TEST_CASE("own classes: locks of one type that need no common order") {
  report_collector c;
  lockorder::mutex<rt_own> x(lockorder::own_class), y(lockorder::own_class_t{"rt_own.y"});
  take_in_order(x, y);  // different classes: not recursive locking
  CHECK(c.size() == 0);
  take_in_order(y, x);  // but their own order is still checked
  REQUIRE(c.count(report_kind::circular_dependency) == 1);
  const auto r = c.first(report_kind::circular_dependency);
  CHECK(r.acquiring.class_name.rfind("rt_own#", 0) == 0);
  CHECK(r.chain.back().from.class_name == "rt_own.y");
}

LOCKORDER_CLASS(rt_keep_a);
LOCKORDER_CLASS(rt_keep_b);
LOCKORDER_CLASS(rt_keep_c);

TEST_CASE("the validator keeps running after a report") {
  report_collector c;
  lockorder::mutex<rt_keep_a> a;
  lockorder::mutex<rt_keep_b> b;
  lockorder::mutex<rt_keep_c> cc;
  take_in_order(a, b);
  take_in_order(b, a);
  take_in_order(b, cc);
  take_in_order(cc, b);
  CHECK(c.count(report_kind::circular_dependency) == 2);
}

LOCKORDER_CLASS(rt_own_ranked, 300);
LOCKORDER_CLASS(rt_own_other, 310);

TEST_CASE("own classes of a ranked class: levels order the family, order within it is learned") {
  report_collector c;
  lockorder::mutex<rt_own_ranked> x(lockorder::own_class), y(lockorder::own_class);
  lockorder::mutex<rt_own_other> z;
  take_in_order(x, y);  // same level, same family: not a level break
  take_in_order(y, z);  // 300 then 310: fine
  CHECK(c.size() == 0);
  take_in_order(y, x);  // but an inversion inside the family is a cycle
  CHECK(c.count(report_kind::circular_dependency) == 1);
  take_in_order(z, x);  // and the family's level still holds against others
  CHECK(c.count(report_kind::order_violation) == 1);
}

LOCKORDER_CLASS(rt_decl_a);
LOCKORDER_CLASS(rt_decl_b, lockorder::after<rt_decl_a, "b's callbacks run with a held">);
LOCKORDER_CLASS(rt_decl_c, lockorder::after<rt_decl_b, "c is taken inside b">);

TEST_CASE("a run-time violation of a declared order is reported at once, with its reasons") {
  report_collector c;
  lockorder::mutex<rt_decl_a> a;
  lockorder::mutex<rt_decl_c> cc;
  { std::lock_guard g(cc); std::lock_guard h(a); }  // a is declared (through b) before c
  REQUIRE(c.count(report_kind::order_violation) == 1);
  const auto r = c.first(report_kind::order_violation);
  REQUIRE(r.chain.size() == 3);
  CHECK(r.chain[0].declared);
  CHECK(r.chain[0].rationale == "b's callbacks run with a held");
  CHECK(r.chain[1].rationale == "c is taken inside b");
  CHECK(r.chain[0].first_seen.file.find("runtime_test.cpp") != std::string::npos);
  const std::string text = r.text();
  CHECK(text.find("because: b's callbacks run with a held") != std::string::npos);
  CHECK(text.find("declared order broken") != std::string::npos);
}

// Declared orders that form a cycle (contexts reject them at compile time; std RAII
// does not look): registration walks the declarations and ends.
struct rt_dcyc_b;
LOCKORDER_CLASS(rt_dcyc_a, lockorder::after<rt_dcyc_b, "a is taken inside b">);
LOCKORDER_CLASS(rt_dcyc_b, lockorder::after<rt_dcyc_a, "b is taken inside a">);

TEST_CASE("a cycle of declared orders is registered, and registering it ends") {
  report_collector c;
  lockorder::mutex<rt_dcyc_a> a;
  lockorder::mutex<rt_dcyc_b> b;
  {
    std::lock_guard g(a);  // registers a, then b (declared before a), then a -> b
    std::lock_guard h(b);
    CHECK(lockorder::detail::rt::held_classes_for_testing() ==
          std::vector<std::string>{"rt_dcyc_a", "rt_dcyc_b"});
  }
  CHECK(c.size() == 0);
}

namespace rt_names {
LOCKORDER_CLASS(plain);
struct outer {
  LOCKORDER_CLASS(inner);
};
template <class T>
struct holder {
  LOCKORDER_CLASS(lk);
};
namespace {
LOCKORDER_CLASS(hidden);
}
}  // namespace rt_names

TEST_CASE("the validator names a class as class_name_v does") {
  report_collector c;
  lockorder::mutex<rt_names::plain> a;
  lockorder::mutex<rt_names::outer::inner> b;
  lockorder::mutex<rt_names::holder<int>::lk> d;
  lockorder::mutex<rt_names::hidden> e;
  std::lock_guard ga(a);
  std::lock_guard gb(b);
  std::lock_guard gd(d);
  std::lock_guard ge(e);
  const std::vector<std::string> held = lockorder::detail::rt::held_classes_for_testing();
  REQUIRE(held.size() == 4);
  CHECK(held[0] == "rt_names::plain");
  CHECK(held[1] == "rt_names::outer::inner");
  CHECK(held[1] == lockorder::class_name_v<rt_names::outer::inner>);
  CHECK(held[2] == lockorder::class_name_v<rt_names::holder<int>::lk>);
  CHECK(held[3] == lockorder::class_name_v<rt_names::hidden>);
}

LOCKORDER_CLASS(rt_group_self);

TEST_CASE("lock_all() given the same lock twice is reported before it would deadlock") {
  report_collector c;
  lockorder::mutex<rt_group_self, std::recursive_mutex> m;
  { auto g = lockorder::unlocked().lock_all(m, m); }
  CHECK(c.count(report_kind::recursive_lock) == 1);
}

LOCKORDER_CLASS(rt_thr_a, 400);
LOCKORDER_CLASS(rt_thr_b, 410);
LOCKORDER_CLASS(rt_thr_x);

TEST_CASE("throw mode in lock_all(): the locks already taken are released, no stale depth") {
  lockorder::mutex<rt_thr_a> a;
  lockorder::mutex<rt_thr_b> b;
  lockorder::mutex<rt_thr_x> x;  // unranked: its order against a and b is learned
  report_collector reports;
  take_in_order(b, x);  // b -> x
  const auto saved = lockorder::get_report_mode();
  lockorder::set_report_mode(lockorder::report_mode::throw_exception);
  {
    std::lock_guard hold_x(x);
    // a is taken first (lowest level) and is fine; b after x closes b -> x -> b: throws.
    CHECK_THROWS_AS(lockorder::unlocked().lock_all(a, b), lockorder::lock_order_error);
  }
  lockorder::set_report_mode(saved);
  CHECK(reports.size() == 0);  // thrown, not delivered to the handler
  CHECK(a.try_lock());  // released by the failed lock_all()
  a.unlock();
  CHECK(b.try_lock());
  b.unlock();
  auto g = lockorder::unlocked().lock(a);  // the failed group left no context depth behind
  CHECK(reports.count(report_kind::stale_context) == 0);
}

LOCKORDER_CLASS(rt_aa_after_pair);

TEST_CASE("the same lock twice is an AA even after its class sequence was validated") {
  // Found by the differential fuzzer's author: chain keys name classes, so the sequence
  // (C, C) validated for two different locks of C must not hide a == b later.
  report_collector reports;
  lockorder::mutex<rt_aa_after_pair, std::recursive_mutex> a, b;
  for (int i = 0; i < 3; ++i) {  // cached from the second time on
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  }
  CHECK(reports.count(lockorder::report_kind::recursive_lock) == 1);
  a.lock();
  a.lock();  // the same lock: reported before it would block (recursive_mutex: it won't)
  a.unlock();
  a.unlock();
  REQUIRE(reports.count(lockorder::report_kind::recursive_lock) == 2);
  CHECK(reports.reports.back().message.find("this very lock") != std::string::npos);
}
