// lockorder::reset_validator() (testing.hpp): each test of a program's suite can start
// from a fresh validator. Its own executable: resetting forgets what other test files
// learned.
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "../unit/report_collector.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using lockorder::report_kind;

LOCKORDER_CLASS(rs_a);
LOCKORDER_CLASS(rs_b);
LOCKORDER_CLASS(rs_first);
LOCKORDER_CLASS(rs_second, lockorder::after<rs_first, "second nests in first">);

lockorder::mutex<rs_a> a;  // globals, as a program's are: they outlive every reset
lockorder::mutex<rs_b> b;

static void ab() { std::lock_guard x(a); std::lock_guard y(b); }
static void ba() { std::lock_guard y(b); std::lock_guard x(a); }

// A thread that outlives the resets, as a pool's do: runs what it is given.
struct worker {
  std::mutex m;
  std::condition_variable cv;
  std::function<void()> job;
  bool stop = false;
  std::thread t{[this] {
    std::unique_lock l(m);
    for (;;) {
      cv.wait(l, [this] { return job || stop; });
      if (!job) return;
      job();
      job = nullptr;
      cv.notify_all();
    }
  }};
  void run(std::function<void()> f) {
    std::unique_lock l(m);
    job = std::move(f);
    cv.notify_all();
    cv.wait(l, [this] { return !job; });
  }
  ~worker() {
    { std::lock_guard l(m); stop = true; }
    cv.notify_all();
    t.join();
  }
};

TEST_CASE("after a reset, nothing learned before counts") {
  report_collector c;
  ab();
  REQUIRE(lockorder::reset_validator());
  ba();  // a fresh graph: b -> a is new, and nothing contradicts it
  CHECK(c.size() == 0);
  REQUIRE(lockorder::reset_validator());
}

TEST_CASE("after a reset, a pair reported before is reported again") {
  report_collector c;
  ab();
  ba();
  REQUIRE(c.count(report_kind::circular_dependency) == 1);
  REQUIRE(lockorder::reset_validator());
  ab();
  ba();
  CHECK(c.count(report_kind::circular_dependency) == 2);
  REQUIRE(lockorder::reset_validator());
}

TEST_CASE("a thread that outlives the reset learns again: its chain cache is emptied") {
  report_collector c;
  worker w;
  w.run(ab);  // validated (into the global set of chains)
  w.run(ab);  // found there, and cached by the worker
  REQUIRE(lockorder::reset_validator());
  w.run(ab);  // must be learned again (a cache hit would skip it)
  ba();
  CHECK(c.count(report_kind::circular_dependency) == 1);
  REQUIRE(lockorder::reset_validator());
}

TEST_CASE("declared orders survive a reset") {
  report_collector c;
  lockorder::mutex<rs_first> first;
  lockorder::mutex<rs_second> second;
  { std::lock_guard x(first); std::lock_guard y(second); }
  REQUIRE(lockorder::reset_validator());
  {
    std::lock_guard y(second);
    std::lock_guard x(first);  // against the declared order, re-registered with the class
  }
  CHECK(c.count(report_kind::order_violation) == 1);
  REQUIRE(lockorder::reset_validator());
}

// Another thread holding `a` until let_go().
struct holder {
  std::atomic<bool> holding{false}, release{false};
  std::thread t{[this] {
    std::lock_guard x(a);
    holding = true;
    while (!release) std::this_thread::yield();
  }};
  holder() {
    while (!holding) std::this_thread::yield();
  }
  void let_go() {
    release = true;
    if (t.joinable()) t.join();
  }
  ~holder() { let_go(); }
};

TEST_CASE("a reset while another thread holds a lock is refused and reported") {
  report_collector c;
  ab();
  holder h;  // another thread holds a
  CHECK_FALSE(lockorder::reset_validator());
  h.let_go();
  REQUIRE(c.count(report_kind::assertion_failed) == 1);
  CHECK(c.first(report_kind::assertion_failed).message.find("nothing was reset") !=
        std::string::npos);
  ba();  // nothing was forgotten: a -> b is still known
  CHECK(c.count(report_kind::circular_dependency) == 1);
  REQUIRE(lockorder::reset_validator());
}

TEST_CASE("after fork(), the child's validator knows only the child's thread") {
  // A thread of the parent holds a lock when it forks; the child has no such thread, so
  // its reset must not be refused in that thread's name (nor walk its dead state).
  report_collector c;
  holder h;  // another thread holds a
  const pid_t pid = fork();
  if (pid == 0) _exit(lockorder::reset_validator() ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  h.let_go();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(lockorder::reset_validator());
}
