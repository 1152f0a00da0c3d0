// Faults around the validator: report handlers and signal handlers that take locks,
// fork() while another thread holds the validator's own lock, and allocation failure
// inside the validator. A process of its own: it replaces operator new and installs
// signal handlers. (Full tables: tests/limits; a lock destroyed while held:
// tests/unit/runtime_test.cpp; 16 threads x 1,000,000 operations: tests/stress.)
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "../unit/report_collector.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/test_allocator.hpp"

using test_allocator::failed_allocations;
using test_allocator::failing_allocations;

namespace {

// Async-signal-safe underlying locks: a spin lock, and one that never blocks (so that
// an AA in a signal handler can be reported without hanging the test).
struct spin_lockable {
  std::atomic<bool> held{false};
  void lock() noexcept {
    while (held.exchange(true, std::memory_order_acquire)) {
    }
  }
  bool try_lock() noexcept { return !held.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { held.store(false, std::memory_order_release); }
};
struct never_blocks {
  int depth = 0;
  void lock() noexcept { ++depth; }
  bool try_lock() noexcept { return ++depth, true; }
  void unlock() noexcept { --depth; }
};

// Runs `text` of stderr capture around f(): what the validator said without a handler.
template <class F>
std::string stderr_of(F&& f) {
  std::fflush(stderr);
  char path[] = "/tmp/lockorder_faults_XXXXXX";
  const int fd = mkstemp(path);
  const int saved = dup(2);
  dup2(fd, 2);
  f();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::remove(path);
  return ss.str();
}

// Takes `outer` then `inner` through std RAII: teaches the validator outer -> inner.
template <class A, class B>
void nest(A& outer, B& inner) {
  std::lock_guard g1(outer);
  std::lock_guard g2(inner);
}

}  // namespace

LOCKORDER_CLASS(rh_a);
LOCKORDER_CLASS(rh_b);
LOCKORDER_CLASS(rh_log);

TEST_CASE("a report handler that takes a lock leaves the held stack intact") {
  static lockorder::mutex<rh_a> a;
  static lockorder::mutex<rh_b> b;
  static lockorder::mutex<rh_log> log;
  std::vector<lockorder::report_kind> kinds;
  lockorder::scoped_report_handler h([&](const lockorder::report& r) {
    std::lock_guard g(log);  // runs while `a` below is being validated
    kinds.push_back(r.kind);
  });
  nest(a, b);
  nest(b, a);  // closes b -> a: the handler runs, takes `log`
  // The handler's lock went above the entry being pushed: both unlocks find their own
  // records, so there is no bad_unlock.
  REQUIRE(kinds.size() == 1);
  CHECK(kinds[0] == lockorder::report_kind::circular_dependency);
}

// ---- signal handlers -------------------------------------------------------------------

LOCKORDER_CLASS(sig_outer);
LOCKORDER_CLASS(sig_pool);
LOCKORDER_CLASS(sig_handler_lock);
LOCKORDER_CLASS(sig_aa);

namespace {
lockorder::mutex<sig_handler_lock, spin_lockable>* handler_lock = nullptr;
std::atomic<long> handled{0};
void take_in_handler(int) {
  handler_lock->lock();
  handled.fetch_add(1, std::memory_order_relaxed);
  handler_lock->unlock();
}
lockorder::mutex<sig_aa, never_blocks>* aa_lock = nullptr;
void take_held_lock_in_handler(int) {
  aa_lock->lock();  // the interrupted code holds it: a real lock would hang here
  aa_lock->unlock();
}
}  // namespace

TEST_CASE("signal handlers that take locks, interrupting the validator at any point") {
  report_collector reports;
  static lockorder::mutex<sig_handler_lock, spin_lockable> in_handler;
  handler_lock = &in_handler;
  struct sigaction sa {};
  sa.sa_handler = take_in_handler;
  sigemptyset(&sa.sa_mask);
  REQUIRE(sigaction(SIGUSR1, &sa, nullptr) == 0);

  // The interrupted thread keeps the validator busy: new classes, new chains (its slow
  // path, under its lock), cached chains and out-of-order unlocks.
  static lockorder::mutex<sig_outer, spin_lockable> outer;
  std::vector<std::unique_ptr<lockorder::mutex<sig_pool, spin_lockable>>> pool;
  for (int i = 0; i < 512; ++i)
    pool.push_back(std::make_unique<lockorder::mutex<sig_pool, spin_lockable>>(lockorder::own_class));
  std::atomic<bool> done{false};
  const pthread_t target = pthread_self();
  std::thread killer([&] {
    while (!done.load()) {
      pthread_kill(target, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  });
  long iterations = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (int i = 0; std::chrono::steady_clock::now() < end || handled.load() < 1000; ++i) {
    auto& p = *pool[static_cast<std::size_t>(i) % pool.size()];
    auto& q = *pool[(static_cast<std::size_t>(i) * 7 + 1) % pool.size()];
    if (&p == &q) continue;
    outer.lock();
    p.lock();
    if (i % 3 == 0) {
      outer.unlock();  // out of order: the record below p is removed
      p.unlock();
    } else {
      p.unlock();
      outer.unlock();
    }
    ++iterations;
  }
  done = true;
  killer.join();
  signal(SIGUSR1, SIG_DFL);
  INFO("iterations " << iterations << ", signals handled " << handled.load());
  CHECK(handled.load() >= 1000);
  // No bad_unlock (a record overwritten by the handler's) and no false cycle.
  CHECK(reports.size() == 0);
  for (auto& r : reports.reports) UNSCOPED_INFO(r.text());
}

TEST_CASE("a signal handler that takes a lock its thread holds is reported (AA)") {
  report_collector reports;
  static lockorder::mutex<sig_aa, never_blocks> held;
  aa_lock = &held;
  signal(SIGUSR2, take_held_lock_in_handler);
  held.lock();
  raise(SIGUSR2);
  held.unlock();
  signal(SIGUSR2, SIG_DFL);
  REQUIRE(reports.count(lockorder::report_kind::recursive_lock) == 1);
  CHECK(reports.size() == 1);
  CHECK(reports.first(lockorder::report_kind::recursive_lock).text().find("sig_aa") !=
        std::string::npos);
}

// ---- fork -------------------------------------------------------------------------------

LOCKORDER_CLASS(fork_a);
LOCKORDER_CLASS(fork_b);
LOCKORDER_CLASS(fork_holder);

TEST_CASE("fork() while another thread holds the validator's lock: the child validates") {
  std::atomic<int> phase{0};
  std::thread holder([&] {
    static lockorder::mutex<fork_holder> h;
    h.lock();  // a thread that uses the validator (which sets up its fork handler) ...
    h.unlock();
    lockorder::detail::rt::big_lock.lock();  // ... and is in the middle of validation
    phase = 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    lockorder::detail::rt::big_lock.unlock();
  });
  while (phase.load() == 0) std::this_thread::yield();
  const pid_t pid = fork();  // the validator's fork handler waits for the holder
  if (pid == 0) {
    // The child: one thread. New classes and new chains need the validator's lock.
    static std::atomic<int> cycles{0};
    lockorder::set_report_handler([](const lockorder::report& r) {
      if (r.kind == lockorder::report_kind::circular_dependency) ++cycles;
    });
    static lockorder::mutex<fork_a> a;
    static lockorder::mutex<fork_b> b;
    nest(a, b);
    nest(b, a);
    _exit(cycles.load() == 1 ? 0 : 2);
  }
  REQUIRE(pid > 0);
  int status = 0;
  bool exited = false;
  for (int waited = 0; waited < 200 && !exited; ++waited) {  // 20 s at most
    exited = waitpid(pid, &status, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  holder.join();
  REQUIRE(exited);  // else the child inherited a held lock and spun forever
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// ---- allocation failure -----------------------------------------------------------------

LOCKORDER_CLASS(oom_a);
LOCKORDER_CLASS(oom_b);
LOCKORDER_CLASS(oom_c);
LOCKORDER_CLASS(oom_d);

TEST_CASE("allocation failure inside the validator: said once, the program goes on") {
  static lockorder::mutex<oom_a> a;
  static lockorder::mutex<oom_b> b;
  static lockorder::mutex<oom_c> c;
  static lockorder::mutex<oom_d> d;
  nest(a, b);
  nest(c, d);

  SECTION("log mode: rendering the report fails") {
    lockorder::set_report_mode(lockorder::report_mode::log);
    const std::string said = stderr_of([&] {
      std::lock_guard gb(b);
      failing_allocations = true;
      a.lock();  // closes b -> a: validation needs memory for the report
      failing_allocations = false;
      a.unlock();
    });
    CHECK(failed_allocations.load() > 0);
    CHECK(said.find("lockorder: out of memory") != std::string::npos);
  }
  SECTION("callback mode: the report is lost, later ones are not") {
    report_collector reports;
    {
      std::lock_guard gd(d);
      failing_allocations = true;
      c.lock();
      failing_allocations = false;
      c.unlock();
    }
    CHECK(reports.size() == 0);
    // The held stack is intact (no bad_unlock), and the validator still reports.
    static lockorder::mutex<oom_a> a2(lockorder::own_class);
    static lockorder::mutex<oom_b> b2(lockorder::own_class);
    nest(a2, b2);
    nest(b2, a2);
    CHECK(reports.count(lockorder::report_kind::circular_dependency) == 1);
    CHECK(reports.size() == 1);
  }
}
