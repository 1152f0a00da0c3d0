// What the peer suites' ports share: the report kinds a case produced, locks that never
// block (so one thread can play every CPU of a scenario, and an AA or a double lock does
// not hang), and two ways to run a case in a child process (fork): on a fresh validator,
// for a case that creates classes by the thousand (a full class table would change what
// the cases after it check, and how full it is would depend on the cases run before),
// and for a peer's death test (the report in abort mode ends the child).
#pragma once

#include "../unit/report_collector.hpp"

#include <lockorder/testing.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace peers {

using lockorder::report_kind;
using kinds = std::vector<report_kind>;

/// The kinds of the reports a collector received, in the order they came.
inline kinds kinds_of(report_collector& c) {
  std::lock_guard g(c.m);
  kinds k;
  for (const auto& r : c.reports) k.push_back(r.kind);
  return k;
}

/// A lock that never blocks and counts its holders. Reader and writer counts are atomic:
/// two threads may "hold" it at once, as a peer's annotation-only test does.
struct fake_lock {
  std::atomic<int> writers{0}, readers{0};
  void lock() noexcept { ++writers; }
  bool try_lock() noexcept { ++writers; return true; }
  void unlock() noexcept { --writers; }
  void lock_shared() noexcept { ++readers; }
  bool try_lock_shared() noexcept { ++readers; return true; }
  void unlock_shared() noexcept { --readers; }
};

/// Runs f in a forked child, on a validator started afresh (lockorder::reset_validator():
/// nothing learned, empty tables), under a report collector of its own, and returns the
/// kinds of the reports the child received. What f does to the validator's tables stays
/// in the child. The caller holds no lock; f must not use Catch's assertions (they would
/// be the child's).
template <class F>
kinds kinds_in_fresh_child(F f) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (!lockorder::reset_validator()) ::_exit(3);
    kinds k;
    {
      report_collector c;
      f();
      k = kinds_of(c);
    }
    for (report_kind r : k) {
      const unsigned char b = static_cast<unsigned char>(r);
      if (::write(fds[1], &b, 1) != 1) ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  kinds k;
  unsigned char b;
  while (::read(fds[0], &b, 1) == 1) k.push_back(static_cast<report_kind>(b));
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return k;
}

/// Whether k has a report of a possible deadlock (a cycle, a level break, an AA).
inline bool has_deadlock_report(const kinds& k) {
  for (report_kind r : k)
    if (r == report_kind::circular_dependency || r == report_kind::order_violation ||
        r == report_kind::recursive_lock)
      return true;
  return false;
}

/// A peer's death test: runs f in a forked child with lockorder in abort mode (stderr
/// discarded) and says whether the child died of SIGABRT. A child that returns from f
/// exits with 0.
template <class F>
bool aborts_in_child(F f) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL);  // not Catch's handler: the child is to die of it
    lockorder::set_report_mode(lockorder::report_mode::abort);
    f();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

}  // namespace peers

namespace Catch {
template <>
struct StringMaker<lockorder::report_kind> {
  static std::string convert(lockorder::report_kind k) { return std::string(lockorder::to_string(k)); }
};
}  // namespace Catch
