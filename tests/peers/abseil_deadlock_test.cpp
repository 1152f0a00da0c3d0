// Abseil's deadlock detection tests, ported: absl/synchronization/mutex_test.cc's
// DeadlockDetector, DeadlockDetectorBazelWarning, DeadlockDetectorLongCycle,
// DeadlockDetectorStressTest, DeadlockIdBug and LockedMutexDestructionBug, each with
// Abseil's expected result (docs/peers.md#abseil). Abseil's modes map to lockorder's:
// kAbort and kReport to a report (collected here), kIgnore to none.
//
// Abseil's graph has a node per absl::Mutex (an id given at first use); lockorder's has a
// node per class. So each case runs with a class per lock (lockorder::own_class:
// Abseil's model), and, where it changes the verdict, with one class for all the locks of
// the test's type, which is what lockorder gives them unless told otherwise
// (`// differs:`).
//
// absl::Mutex is a reader/writer lock whose readers can wait behind a waiting writer, so
// it maps to lockorder::shared_mutex over a lock whose reader_recursive_v is false.
// Cases that destroy held locks use peers::fake_lock underneath (destroying a locked
// std::mutex is undefined behaviour); the others use std::shared_mutex's exclusive side.
#define CATCH_CONFIG_MAIN
#include "peer_support.hpp"

#include <algorithm>
#include <memory>
#include <shared_mutex>
#include <vector>

using peers::kinds;
using lockorder::report_kind;

namespace {

template <int N>
struct absl_case {
  LOCKORDER_CLASS(mutex);
};

// absl::Mutex: a reader can wait behind a waiting writer, so its readers are not
// recursive (reader_recursive_v keeps its default, false).
struct absl_rwlock : std::shared_mutex {};
static_assert(!lockorder::reader_recursive_v<absl_rwlock>);

template <int N>
using absl_mutex = lockorder::shared_mutex<typename absl_case<N>::mutex, absl_rwlock>;
template <int N>
using absl_fake_mutex = lockorder::shared_mutex<typename absl_case<N>::mutex, peers::fake_lock>;

template <class M>
std::unique_ptr<M> make(bool own) {
  return own ? std::make_unique<M>(lockorder::own_class) : std::make_unique<M>();
}

template <class M>
std::vector<std::unique_ptr<M>> make_n(std::size_t n, bool own) {
  std::vector<std::unique_ptr<M>> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(make<M>(own));
  return v;
}

}  // namespace

TEST_CASE("abseil: DeadlockDetector") {
  // Abseil checks that m1.ForgetDeadlockInfo() with m1 held breaks nothing. lockorder has
  // no ForgetDeadlockInfo() (a class is never forgotten); the sequence around it has no
  // inversion, so the verdict, no report, is the same.
  auto body = [](bool own) {
    report_collector c;
    {
      auto m = make_n<absl_mutex<1>>(4, own);
      m[0]->lock();
      m[1]->lock();
      m[2]->lock();
      m[2]->unlock();
      m[1]->unlock();
      // m1.ForgetDeadlockInfo();
      m[1]->lock();
      m[2]->lock();
      m[3]->lock();
      m[2]->unlock();
      m[1]->unlock();
      m[3]->unlock();
      m[0]->unlock();
    }
    return peers::kinds_of(c);
  };
  SECTION("a class per mutex") { CHECK(body(true) == kinds{}); }
  SECTION("one class for the four") {
    // differs: m1..m4 of one class nested is recursive locking.
    CHECK(body(false) == kinds{report_kind::recursive_lock});
  }
}

TEST_CASE("abseil: DeadlockDetectorBazelWarning") {
  // A try-lock adds no dependency into mu0; the blocking mu0.lock() under mu1 is the one
  // report.
  auto body = [](bool own) {
    report_collector c;
    {
      auto mu0 = make<absl_mutex<2>>(own), mu1 = make<absl_mutex<2>>(own);
      const bool got_mu0 = mu0->try_lock();
      mu1->lock();  // mu1 while holding mu0 (tried): mu0 -> mu1
      if (got_mu0) mu0->unlock();
      if (mu0->try_lock()) mu0->unlock();  // must not fire
      mu0->lock();  // mu0 while holding mu1: one deadlock report here
      mu0->unlock();
      mu1->unlock();
    }
    return peers::kinds_of(c);
  };
  SECTION("a class per mutex") { CHECK(body(true) == kinds{report_kind::circular_dependency}); }
  SECTION("one class for the two") {
    // differs: mu1 taken (blocking) while mu0 of its class is held: recursive locking.
    CHECK(body(false) == kinds{report_kind::recursive_lock});
  }
}

TEST_CASE("abseil: DeadlockDetectorLongCycle") {  // a cycle of 100 mutexes
  auto body = [](bool own, std::size_t* chain) {
    report_collector c;
    {
      auto m = make_n<absl_mutex<3>>(100, own);
      for (std::size_t i = 0; i != m.size(); ++i) {
        m[i]->lock();
        m[(i + 1) % m.size()]->lock();
        m[i]->unlock();
        m[(i + 1) % m.size()]->unlock();
      }
    }
    if (chain) *chain = c.first(report_kind::circular_dependency).chain.size();
    return peers::kinds_of(c);
  };
  SECTION("a class per mutex") {
    std::size_t chain = 0;
    CHECK(body(true, &chain) == kinds{report_kind::circular_dependency});
    CHECK(chain == 100);
  }
  SECTION("one class for the hundred") {
    // differs: one class, so recursive locking.
    CHECK(body(false, nullptr) == kinds{report_kind::recursive_lock});
  }
}

TEST_CASE("abseil: DeadlockDetectorStressTest") {
  // 1 << 17 mutexes, each window of 5 taken in index order and released in the same
  // order. Abseil: no report, and fast ("a detector that keeps a full graph will likely
  // be too slow").
  static constexpr std::size_t n_locks = std::size_t{1} << 17;
  auto windows = [](auto&& at, bool nested) {
    for (std::size_t i = 0; i < n_locks; ++i) {
      const std::size_t end = std::min(n_locks, i + 5);
      for (std::size_t j = i; j < end; ++j) {
        if (nested) at(j).lock_nested(static_cast<unsigned>(j - i));
        else at(j).lock();
      }
      for (std::size_t j = i; j < end; ++j) at(j).unlock();
    }
  };
  SECTION("a class per mutex (in a child process)") {
    // differs: 131,072 own classes do not fit LOCKORDER_MAX_CLASSES (16,384): the class
    // table fills while the locks are constructed and the validator says so
    // (limit_reached; docs/runtime.md#table-sizes); the locks past it are not checked.
    // Abseil's graph recycles ids. Whatever else a full table leads to (the chain set
    // fills too, if checking goes on), no deadlock may be reported: there is none.
    const kinds k = peers::kinds_in_fresh_child([&] {
      auto locks = make_n<absl_mutex<4>>(n_locks, true);
      windows([&](std::size_t j) -> auto& { return *locks[j]; }, false);
    });
    CAPTURE(k);
    REQUIRE_FALSE(k.empty());
    CHECK(k.front() == report_kind::limit_reached);
    CHECK_FALSE(peers::has_deadlock_report(k));
  }
  SECTION("one class for the array") {
    // differs: one class, so recursive locking.
    report_collector c;
    {
      auto locks = std::make_unique<absl_mutex<4>[]>(n_locks);
      windows([&](std::size_t j) -> auto& { return locks[j]; }, false);
    }
    CHECK(peers::kinds_of(c) == kinds{report_kind::recursive_lock});
  }
  SECTION("one class, nesting subclasses by position in the window") {
    // lockorder's way to say "taken in index order": lock_nested(j - i), five classes
    // C, C/1 .. C/4, whatever the number of locks. Agrees, and stays on the cached path.
    report_collector c;
    {
      auto locks = std::make_unique<absl_mutex<4>[]>(n_locks);
      windows([&](std::size_t j) -> auto& { return locks[j]; }, true);
    }
    CHECK(peers::kinds_of(c) == kinds{});
  }
}

TEST_CASE("abseil: DeadlockIdBug") {
  // a is destroyed while held, with detection off (kIgnore) for that call; a lock taken
  // afterwards must not get a spurious report from a's stale id in the held list.
  auto body = [](bool own) {
    report_collector c;
    {
      auto a = make<absl_fake_mutex<5>>(own);
      auto b = make<absl_fake_mutex<5>>(own), cc = make<absl_fake_mutex<5>>(own);
      a->lock();
      b->lock();  // a -> b
      b->unlock();
      a.reset();  // destroyed while held
      cc->lock();
      cc->unlock();
    }
    return peers::kinds_of(c);
  };
  SECTION("a class per mutex") {
    // differs: lockorder has no switch to ignore one call: the destruction of a held lock
    // is reported. The bug under test cannot happen: the destroying thread's record of
    // the lock is removed, and class ids are never reused. No spurious cycle.
    CHECK(body(true) == kinds{report_kind::destroyed_while_held});
  }
  SECTION("one class for the three") {
    // differs: as above, and b taken while a of its class is held is recursive locking.
    CHECK(body(false) == kinds{report_kind::recursive_lock, report_kind::destroyed_while_held});
  }
}

TEST_CASE("abseil: LockedMutexDestructionBug") {
  // 10 times: 10 mutexes, even ones write-locked and odd ones read-locked, destroyed
  // while held. Abseil: no failure (a held Mutex may be destroyed).
  auto body = [](bool own) {
    report_collector c;
    for (int i = 0; i != 10; ++i) {
      auto mu = make_n<absl_fake_mutex<6>>(10, own);
      for (std::size_t j = 0; j != mu.size(); ++j) {
        if (j % 2 == 0) mu[j]->lock();
        else mu[j]->lock_shared();
      }
    }  // destroyed held
    return peers::kinds_of(c);
  };
  SECTION("a class per mutex") {
    // differs: a lock destroyed while held is a report every time: 100 of them.
    CHECK(body(true) == kinds(100, report_kind::destroyed_while_held));
  }
  SECTION("one class for the ten") {
    // differs: as above, after one recursive_lock for nesting locks of one class.
    kinds expected(1, report_kind::recursive_lock);
    expected.insert(expected.end(), 100, report_kind::destroyed_while_held);
    CHECK(body(false) == expected);
  }
}
