// The Linux kernel's lib/locking-selftest.c, ported: the A-A, A-B-B-A, ... deadlock
// matrices over spinlock / rwlock (write, read) / mutex / rwsem (write, read), double
// unlock, initialize held, and the recursive-read cases, each with lockdep's expected
// result (docs/peers.md#kernel). lockdep's "FAILURE" is a report; which report is
// checked too.
//
// How the kernel's locks map:
// - spinlock_t and struct mutex: lockorder::mutex. lockorder has no wait-context or
//   IRQ-state model, so the two differ only in name here.
// - rwlock_t: lockorder::shared_mutex over a lock whose reader_recursive_v is true. The
//   selftest sets force_read_lock_recursive, so every read_lock() is a recursive reader,
//   which is what the trait declares (docs/runtime.md#readers).
// - struct rw_semaphore: lockorder::shared_mutex over a lock whose reader_recursive_v is
//   false: down_read() can wait behind a queued writer.
// Every lock is a peers::fake_lock underneath (it never blocks), so one thread plays both
// CPUs of a scenario and the AA cases do not hang, as the selftest runs them.
//
// The selftest's static locks A, B, C, D are four classes; X1 and X2 (Y1/Y2, Z1/Z2) are
// two locks of one class. Each case below gets classes of its own (the graph is global
// and never forgets), which is what the selftest's reset_locks() does between cases.
#define CATCH_CONFIG_MAIN
#include "peer_support.hpp"

#include <array>
#include <memory>
#include <string_view>
#include <type_traits>

using peers::kinds;
using lockorder::report_kind;

namespace kernel {

struct spinlock_t : peers::fake_lock {};
struct mutex_t : peers::fake_lock {};
struct rwlock_t : peers::fake_lock {};
struct rw_semaphore : peers::fake_lock {};

}  // namespace kernel

template <>
inline constexpr bool lockorder::reader_recursive_v<kernel::rwlock_t> = true;
template <>
inline constexpr bool lockorder::reader_recursive_v<kernel::rw_semaphore> = false;

namespace kernel {

// One column of the selftest's table: a lock type and the acquisition it makes.
template <class L, bool Shared, bool Read>
struct column {
  template <class C>
  using lock_t = std::conditional_t<Shared, lockorder::shared_mutex<C, L>, lockorder::mutex<C, L>>;
  template <class M>
  static void lock(M& m) {
    if constexpr (Read) m.lock_shared(); else m.lock();
  }
  template <class M>
  static void unlock(M& m) {
    if constexpr (Read) m.unlock_shared(); else m.unlock();
  }
};
using spin = column<spinlock_t, false, false>;
using wlock = column<rwlock_t, true, false>;    // write_lock()
using rlock = column<rwlock_t, true, true>;     // read_lock(): a recursive reader
using mutex = column<mutex_t, false, false>;
using wsem = column<rw_semaphore, true, false>;  // down_write()
using rsem = column<rw_semaphore, true, true>;   // down_read(): not a recursive reader

// The selftest's LOCK_UNLOCK_2(x, y).
template <class Col, class M1, class M2>
void lock_unlock_2(M1& x, M2& y) {
  Col::lock(x);
  Col::lock(y);
  Col::unlock(y);
  Col::unlock(x);
}

// The locks of one case: A..D of four classes, X1/X2 of one class.
template <class Col, class K>
struct locks {
  typename Col::template lock_t<typename K::A> A;
  typename Col::template lock_t<typename K::B> B;
  typename Col::template lock_t<typename K::C> C;
  typename Col::template lock_t<typename K::D> D;
  typename Col::template lock_t<typename K::X> X1, X2;
};

// LOCK(X1); LOCK(X2): two locks of one class. (The selftest leaves them held and resets
// lockdep; a C++ test releases them.)
template <class Col, class K>
void AA() {
  locks<Col, K> l;
  Col::lock(l.X1);
  Col::lock(l.X2);
  Col::unlock(l.X2);
  Col::unlock(l.X1);
}

template <class Col, class K>
void ABBA() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.B, l.A);
}

template <class Col, class K>
void ABBCCA() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.B, l.C);
  lock_unlock_2<Col>(l.C, l.A);
}

template <class Col, class K>
void ABCABC() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.C, l.A);
  lock_unlock_2<Col>(l.B, l.C);
}

template <class Col, class K>
void ABBCCDDA() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.B, l.C);
  lock_unlock_2<Col>(l.C, l.D);
  lock_unlock_2<Col>(l.D, l.A);
}

template <class Col, class K>
void ABCDBDDA() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.C, l.D);
  lock_unlock_2<Col>(l.B, l.D);
  lock_unlock_2<Col>(l.D, l.A);
}

template <class Col, class K>
void ABCDBCDA() {
  locks<Col, K> l;
  lock_unlock_2<Col>(l.A, l.B);
  lock_unlock_2<Col>(l.C, l.D);
  lock_unlock_2<Col>(l.B, l.C);
  lock_unlock_2<Col>(l.D, l.A);
}

template <class Col, class K>
void double_unlock() {
  locks<Col, K> l;
  Col::lock(l.A);
  Col::unlock(l.A);
  Col::unlock(l.A);  // reported, and not performed
}

// INIT(A) on a held lock: in C++, A's lifetime ends and a new lock begins in its place.
template <class Col, class K>
void init_held() {
  locks<Col, K> l;
  Col::lock(l.A);
  std::destroy_at(&l.A);
  std::construct_at(&l.A);
}

}  // namespace kernel

#define KERNEL_CLASSES(k)  \
  struct k {               \
    LOCKORDER_CLASS(A);    \
    LOCKORDER_CLASS(B);    \
    LOCKORDER_CLASS(C);    \
    LOCKORDER_CLASS(D);    \
    LOCKORDER_CLASS(X);    \
    LOCKORDER_CLASS(Y);    \
    LOCKORDER_CLASS(Z);    \
  }

// One cell of the table: the scenario in one column, with lockdep's expected reports
// (none for the selftest's SUCCESS).
#define KERNEL_CASE(scenario, col, ...)                                           \
  KERNEL_CLASSES(scenario##_##col##_classes);                                     \
  TEST_CASE("kernel: " #scenario " " #col) {                                      \
    report_collector c;                                                           \
    kernel::scenario<kernel::col, scenario##_##col##_classes>();                  \
    CHECK(peers::kinds_of(c) == kinds{__VA_ARGS__});                              \
  }

// DO_TESTCASE_6R: every column fails except rlock (recursive readers do not deadlock).
#define KERNEL_ROW_6R(scenario, kind)  \
  KERNEL_CASE(scenario, spin, kind)    \
  KERNEL_CASE(scenario, wlock, kind)   \
  KERNEL_CASE(scenario, rlock)         \
  KERNEL_CASE(scenario, mutex, kind)   \
  KERNEL_CASE(scenario, wsem, kind)    \
  KERNEL_CASE(scenario, rsem, kind)

// DO_TESTCASE_6: every column fails.
#define KERNEL_ROW_6(scenario, kind)   \
  KERNEL_CASE(scenario, spin, kind)    \
  KERNEL_CASE(scenario, wlock, kind)   \
  KERNEL_CASE(scenario, rlock, kind)   \
  KERNEL_CASE(scenario, mutex, kind)   \
  KERNEL_CASE(scenario, wsem, kind)    \
  KERNEL_CASE(scenario, rsem, kind)

// ---- the deadlock matrices (DO_TESTCASE_6R) ---------------------------------------------

KERNEL_ROW_6R(AA, report_kind::recursive_lock)
KERNEL_ROW_6R(ABBA, report_kind::circular_dependency)
KERNEL_ROW_6R(ABBCCA, report_kind::circular_dependency)
KERNEL_ROW_6R(ABCABC, report_kind::circular_dependency)
KERNEL_ROW_6R(ABBCCDDA, report_kind::circular_dependency)
KERNEL_ROW_6R(ABCDBDDA, report_kind::circular_dependency)
KERNEL_ROW_6R(ABCDBCDA, report_kind::circular_dependency)

// ---- double unlock, initialize held (DO_TESTCASE_6) ------------------------------------

KERNEL_ROW_6(double_unlock, report_kind::bad_unlock)
KERNEL_ROW_6(init_held, report_kind::destroyed_while_held)

// ---- recursive read-lock, mixed read/write ---------------------------------------------
// X1/X2 are rwlock_t (rlock_*) or rw_semaphore (rsem_*, rwsem_*) of one class; Y1 is a
// spinlock_t (rlock_*) or a mutex (rwsem_*) of another.

template <class L, class K>
struct rw_case {
  lockorder::shared_mutex<typename K::X, L> X1, X2;
  using y_lock = std::conditional_t<std::is_same_v<L, kernel::rwlock_t>, kernel::spinlock_t,
                                    kernel::mutex_t>;
  lockorder::mutex<typename K::Y, y_lock> Y1;
};

#define KERNEL_RW_CASE(name, L, expected, body)         \
  KERNEL_CLASSES(name##_classes);                       \
  TEST_CASE("kernel: " #name) {                         \
    report_collector c;                                 \
    {                                                   \
      rw_case<kernel::L, name##_classes> k;             \
      body                                              \
    }                                                   \
    CHECK(peers::kinds_of(c) == kinds expected);        \
  }

// "recursive read-lock": the same lock read twice.
KERNEL_RW_CASE(rlock_AA1, rwlock_t, {}, {
  k.X1.lock_shared();
  k.X1.lock_shared();  // a recursive reader: not a deadlock
  k.X1.unlock_shared();
  k.X1.unlock_shared();
})
KERNEL_RW_CASE(rsem_AA1, rw_semaphore, {report_kind::recursive_lock}, {
  k.X1.lock_shared();
  k.X1.lock_shared();  // may wait behind a writer queued meanwhile
  k.X1.unlock_shared();
  k.X1.unlock_shared();
})

// "recursive read-lock #2": two locks of one class, read.
KERNEL_RW_CASE(rlock_AA1B, rwlock_t, {}, {
  k.X1.lock_shared();
  k.X2.lock_shared();
  k.X2.unlock_shared();
  k.X1.unlock_shared();
})
KERNEL_RW_CASE(rsem_AA1B, rw_semaphore, {report_kind::recursive_lock}, {
  k.X1.lock_shared();
  k.X2.lock_shared();
  k.X2.unlock_shared();
  k.X1.unlock_shared();
})

// "mixed read-write-lock": read, then write, of one class.
KERNEL_RW_CASE(rlock_AA2, rwlock_t, {report_kind::recursive_lock}, {
  k.X1.lock_shared();
  k.X2.lock();
  k.X2.unlock();
  k.X1.unlock_shared();
})
KERNEL_RW_CASE(rsem_AA2, rw_semaphore, {report_kind::recursive_lock}, {
  k.X1.lock_shared();
  k.X2.lock();
  k.X2.unlock();
  k.X1.unlock_shared();
})

// "mixed write-read-lock": write, then read, of one class.
KERNEL_RW_CASE(rlock_AA3, rwlock_t, {report_kind::recursive_lock}, {
  k.X1.lock();
  k.X2.lock_shared();
  k.X2.unlock_shared();
  k.X1.unlock();
})
KERNEL_RW_CASE(rsem_AA3, rw_semaphore, {report_kind::recursive_lock}, {
  k.X1.lock();
  k.X2.lock_shared();
  k.X2.unlock_shared();
  k.X1.unlock();
})

// "mixed read-lock/lock-write ABBA": read X then Y; Y then write X.
KERNEL_RW_CASE(rlock_ABBA1, rwlock_t, {report_kind::circular_dependency}, {
  k.X1.lock_shared();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock_shared();
  k.Y1.lock();
  k.X1.lock();
  k.X1.unlock();
  k.Y1.unlock();
})
KERNEL_RW_CASE(rwsem_ABBA1, rw_semaphore, {report_kind::circular_dependency}, {
  k.X1.lock_shared();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock_shared();
  k.Y1.lock();
  k.X1.lock();
  k.X1.unlock();
  k.Y1.unlock();
})

// "chain cached mixed R-L/L-W ABBA": Y then read X is cached as not a deadlock; Y then
// write X, the same class sequence, must still be checked.
KERNEL_RW_CASE(rlock_chaincache_ABBA1, rwlock_t, {report_kind::circular_dependency}, {
  k.X1.lock_shared();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock_shared();
  k.Y1.lock();
  k.X1.lock_shared();
  k.X1.unlock_shared();
  k.Y1.unlock();
  k.Y1.lock();
  k.X1.lock();
  k.X1.unlock();
  k.Y1.unlock();
})

// "mixed read-lock/lock-read ABBA": read X then Y; Y then read X.
KERNEL_RW_CASE(rlock_ABBA2, rwlock_t, {}, {
  k.X1.lock_shared();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock_shared();
  k.Y1.lock();
  k.X1.lock_shared();  // both readers of X are recursive: they never wait for each other
  k.X1.unlock_shared();
  k.Y1.unlock();
})
KERNEL_RW_CASE(rwsem_ABBA2, rw_semaphore, {report_kind::circular_dependency}, {
  k.X1.lock_shared();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock_shared();
  k.Y1.lock();
  k.X1.lock_shared();  // a queued writer between the two readers deadlocks them
  k.X1.unlock_shared();
  k.Y1.unlock();
})

// "mixed write-lock/lock-write ABBA".
KERNEL_RW_CASE(rlock_ABBA3, rwlock_t, {report_kind::circular_dependency}, {
  k.X1.lock();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock();
  k.Y1.lock();
  k.X1.lock();
  k.X1.unlock();
  k.Y1.unlock();
})
KERNEL_RW_CASE(rwsem_ABBA3, rw_semaphore, {report_kind::circular_dependency}, {
  k.X1.lock();
  k.Y1.lock();
  k.Y1.unlock();
  k.X1.unlock();
  k.Y1.lock();
  k.X1.lock();
  k.X1.unlock();
  k.Y1.unlock();
})

// ---- three rwlocks, read and write mixed, in the 6 orders of 3 events (2020) ------------
// Each event takes an rwlock of one class and, inside it, one of the next: the cycle
// X -> Y -> Z -> X is a deadlock unless one lock on it is both taken as a recursive
// reader and held as one while the next is taken (DO_TESTCASE_6x1RR / 6x1RRB).

namespace kernel {

struct event {
  int outer;
  bool outer_read;
  int inner;
  bool inner_read;
};

template <class K>
void run_events(const std::array<event, 3>& events, std::string_view order) {
  lockorder::shared_mutex<typename K::X, rwlock_t> x;
  lockorder::shared_mutex<typename K::Y, rwlock_t> y;
  lockorder::shared_mutex<typename K::Z, rwlock_t> z;
  auto take = [&](int which, bool read, bool release) {
    auto act = [&](auto& m) {
      if (release) { if (read) m.unlock_shared(); else m.unlock(); }
      else { if (read) m.lock_shared(); else m.lock(); }
    };
    if (which == 0) act(x);
    else if (which == 1) act(y);
    else act(z);
  };
  for (char e : order) {
    const event& ev = events[static_cast<std::size_t>(e - '1')];
    take(ev.outer, ev.outer_read, false);
    take(ev.inner, ev.inner_read, false);
    take(ev.inner, ev.inner_read, true);
    take(ev.outer, ev.outer_read, true);
  }
}

constexpr int X = 0, Y = 1, Z = 2;
constexpr bool W = false, R = true;

// "write-read / write-read / write-read deadlock even if read is recursive"
constexpr std::array<event, 3> W1R2_W2R3_W3R1{{{X, W, Y, R}, {Y, W, Z, R}, {Z, W, X, R}}};
// "write-write / read-read / write-read deadlock even if read is recursive"
constexpr std::array<event, 3> W1W2_R2R3_W3R1{{{X, W, Y, W}, {Y, R, Z, R}, {Z, W, X, R}}};
// "write-write / read-read / read-write is not deadlock when read is recursive"
// (the selftest generates it under the name W1R2_R2R3_W3W1)
constexpr std::array<event, 3> W1R2_R2R3_W3W1{{{X, W, Y, W}, {Y, R, Z, R}, {Z, R, X, W}}};
// "write-read / read-read / write-write is not deadlock when read is recursive"
// (generated as W1W2_R2R3_R3W1)
constexpr std::array<event, 3> W1W2_R2R3_R3W1{{{X, W, Y, R}, {Y, R, Z, R}, {Z, W, X, W}}};

}  // namespace kernel

#define KERNEL_RR_CASE(name, order, ...)                           \
  KERNEL_CLASSES(name##_##order##_classes);                        \
  TEST_CASE("kernel: rlock " #name "/" #order) {                   \
    report_collector c;                                            \
    kernel::run_events<name##_##order##_classes>(kernel::name, #order); \
    CHECK(peers::kinds_of(c) == kinds{__VA_ARGS__});               \
  }

#define KERNEL_RR_ROW(name, ...)             \
  KERNEL_RR_CASE(name, 123, __VA_ARGS__)     \
  KERNEL_RR_CASE(name, 132, __VA_ARGS__)     \
  KERNEL_RR_CASE(name, 213, __VA_ARGS__)     \
  KERNEL_RR_CASE(name, 231, __VA_ARGS__)     \
  KERNEL_RR_CASE(name, 312, __VA_ARGS__)     \
  KERNEL_RR_CASE(name, 321, __VA_ARGS__)

// DO_TESTCASE_6x1RRB: a deadlock in every order.
KERNEL_RR_ROW(W1R2_W2R3_W3R1, report_kind::circular_dependency)
KERNEL_RR_ROW(W1W2_R2R3_W3R1, report_kind::circular_dependency)
// DO_TESTCASE_6x1RR: not a deadlock in any order.
KERNEL_RR_ROW(W1R2_R2R3_W3W1)
KERNEL_RR_ROW(W1W2_R2R3_R3W1)
