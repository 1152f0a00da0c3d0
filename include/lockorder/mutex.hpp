// lockorder/mutex.hpp — lockorder::mutex and lockorder::shared_mutex: any Lockable
// (std::mutex by default) with a lock class attached.
//
// They satisfy the std named requirements (BasicLockable, Lockable, SharedLockable), so
// std::lock_guard, std::unique_lock, std::scoped_lock and std::shared_lock work on them;
// those paths are checked by the run-time validator. Acquisitions made through a context
// (context.hpp) are also checked at compile time. Example: examples/020-std-raii.cpp.
//
// Cost: with LOCKORDER_RUNTIME=0 each is exactly its underlying lock (same size, same
// instructions). With it on, lock+unlock adds a per-thread push/pop and a lock-free
// lookup of the held-class sequence; docs/performance.md has the figures.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/call_site.hpp>
#include <lockorder/thread_safety.hpp>

#include <concepts>
#include <mutex>
#include <shared_mutex>
#include <source_location>
#include <string_view>

#if LOCKORDER_RUNTIME
#  include <lockorder/detail/validator.hpp>
#endif

namespace lockorder {

template <class L>
concept basic_lockable = requires(L& l) {
  l.lock();
  l.unlock();
};
template <class L>
concept lockable = basic_lockable<L> && requires(L& l) {
  { l.try_lock() } -> std::convertible_to<bool>;
};
template <class L>
concept shared_lockable = requires(L& l) {
  l.lock_shared();
  l.unlock_shared();
  { l.try_lock_shared() } -> std::convertible_to<bool>;
};

/// Whether shared acquisitions of L never wait behind a waiting writer (a reader
/// preferring rwlock, like the kernel's rwlock_t). Then read-read in opposite orders
/// cannot deadlock and is not reported; read/write inversions still are. Specialize it
/// for your own lock types (docs/runtime.md#readers).
template <class L>
inline constexpr bool reader_recursive_v = false;

#if defined(__GLIBC__) && defined(__GLIBCXX__)
/// libstdc++'s std::shared_mutex is a pthread_rwlock_t with default attributes, which
/// glibc makes reader-preferring (PTHREAD_RWLOCK_PREFER_READER_NP): a reader is let in
/// while another reader holds it, whatever writers wait.
template <>
inline constexpr bool reader_recursive_v<std::shared_mutex> = true;
#endif

/// Gives a lock its own run-time class instead of its type's (dynamic key, per-instance
/// class; see docs/runtime.md#dynamic-classes). Pass `lockorder::own_class` to a lock's
/// constructor, optionally with a name.
struct own_class_t {
  const char* name = nullptr;
};
inline constexpr own_class_t own_class{};

}  // namespace lockorder

LOCKORDER_NAMESPACE_BEGIN

namespace impl {
using namespace ::lockorder::detail;
struct lock_access;

/// The part shared by mutex and shared_mutex: the lock, its class, exclusive ops.
/// A capability for Clang's -Wthread-safety (thread_safety.hpp); the function bodies are
/// not analysed: they reach the underlying lock through the validator.
template <lock_class C, class L>
class LOCKORDER_CAPABILITY("mutex") lock_base {
 public:
  using class_type = C;
  using native_type = L;
  static constexpr bool lockorder_lock = true;

  lock_base() = default;
#if LOCKORDER_RUNTIME
  explicit lock_base(own_class_t own) { rt::make_own_class(state_, own.name, rt::class_desc_v<C>); }
  // always_inline: at -O0, one destructor function per class (the lock type's) instead
  // of two.
  [[gnu::always_inline]] ~lock_base() { rt::destroy(state_, this, &rt::class_desc_v<C>); }
#else
  explicit lock_base(own_class_t) {}
#endif
  lock_base(const lock_base&) = delete;
  lock_base& operator=(const lock_base&) = delete;

#if LOCKORDER_RUNTIME
  /// Blocks until held. The validator checks the acquisition first, so a report about
  /// an AA or ABBA deadlock comes out before the thread blocks.
  // always_inline, here and below: the validator records the return address of the
  // function these are inlined into (see rt::acquire).
  [[gnu::always_inline]] void lock(std::source_location site = std::source_location::current())
      LOCKORDER_ACQUIRE() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    acquire_impl(0, false, 0, site);
  }
  /// As lock(), as nesting subclass `subclass` (lockdep's mutex_lock_nested).
  [[gnu::always_inline]] void lock_nested(
      unsigned subclass, std::source_location site = std::source_location::current())
      LOCKORDER_ACQUIRE() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    acquire_impl(subclass, false, 0, site);
  }
  [[gnu::always_inline]] bool try_lock(
      std::source_location site = std::source_location::current())
    requires lockable<L> LOCKORDER_TRY_ACQUIRE(true) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS
  {
    return acquire_impl(0, true, 0, site);
  }
  /// Releases. Unlocking a lock this thread does not hold, or holds shared (that is
  /// unlock_shared()'s), is reported as bad_unlock and not performed (it would be
  /// undefined behaviour on the underlying lock); the lock stays held.
  void unlock(std::source_location site = std::source_location::current())
      LOCKORDER_RELEASE() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    if (rt::release<false>(state_, this, &rt::class_desc_v<C>, site)) lock_.unlock();
  }
#else
  // The call_site parameters exist so that a wrapper's `mu_.lock(s)` compiles in both modes.
  LOCKORDER_RT0_INLINE void lock(call_site = {}) LOCKORDER_ACQUIRE()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    lock_.lock();
  }
  LOCKORDER_RT0_INLINE void lock_nested(unsigned, call_site = {}) LOCKORDER_ACQUIRE()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    lock_.lock();
  }
  LOCKORDER_RT0_INLINE bool try_lock(call_site = {})
    requires lockable<L> LOCKORDER_TRY_ACQUIRE(true) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS
  {
    return lock_.try_lock();
  }
  LOCKORDER_RT0_INLINE void unlock(call_site = {}) LOCKORDER_RELEASE()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    lock_.unlock();
  }
#endif

  /// Checks an acquisition here, as lock() and unlock() would, without taking the lock
  /// (lockdep's might_lock): for paths that take it only sometimes.
#if LOCKORDER_RUNTIME
  void might_lock(std::source_location site = std::source_location::current()) {
    rt::wait_point(this, rt::class_of(state_, rt::class_desc_v<C>), rt::mode_exclusive, site);
  }
#else
  void might_lock(call_site = {}) {}
#endif

  /// Reports assertion_failed if this thread holds the lock (in any mode): the kernel's
  /// lockdep_assert_not_held. No-op with LOCKORDER_RUNTIME=0.
  void assert_not_held(call_site site = {}) const { check_held(false, site); }

  /// The underlying lock, for code that must hand it to an API that wants it.
  /// Acquisitions made through it are not checked.
  L& native() noexcept { return lock_; }

 protected:
  // assert_held() and assert_not_held(): a scan of the thread's held stack; a report
  // (assertion_failed) only when the assertion is false.
  void check_held(bool want_held, call_site site) const {
#if LOCKORDER_RUNTIME
    rt::assert_held(const_cast<rt::lock_state&>(state_), this, &rt::class_desc_v<C>, want_held,
                    site);
#else
    (void)want_held, (void)site;
#endif
  }

#if LOCKORDER_RUNTIME
  friend struct impl::lock_access;
  // Every exclusive acquisition goes through here: check (before blocking), then lock.
  [[gnu::always_inline]] bool acquire_impl(unsigned subclass, bool is_try, unsigned flags,
                                          const std::source_location& site) {
    return take<false>(rt::mode_exclusive | flags, subclass, is_try && lockable<L>, site);
  }

  // One body for every acquisition, exclusive or shared: a try-lock is recorded once it
  // succeeded (it cannot block: no dependency into it); a blocking one is checked first.
  // No lambdas here: at -O0 each would be one more function per lock type.
  template <bool Shared>
  [[gnu::always_inline]] bool take(unsigned mode, unsigned subclass, bool is_try,
                                  const std::source_location& site) {
    if (is_try) {
      bool taken = false;
      if constexpr (Shared)
        taken = static_cast<bool>(lock_.try_lock_shared());
      else if constexpr (lockable<L>)
        taken = static_cast<bool>(lock_.try_lock());
      if (!taken) return false;
      rt::acquire(state_, this, rt::class_of(state_, rt::class_desc_v<C>), subclass,
                  mode | rt::mode_try, site);
      rt::mark_held(state_, mode);
      return true;
    }
    rt::acquire(state_, this, rt::class_of(state_, rt::class_desc_v<C>), subclass, mode, site);
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      if constexpr (Shared)
        lock_.lock_shared();
      else
        lock_.lock();
#if LOCKORDER_EXCEPTIONS
    } catch (...) {
      rt::forget(this);  // it failed to lock: drop the record acquire() pushed
      throw;
    }
#endif
    rt::mark_held(state_, mode);
    return true;
  }
#endif

  L lock_;
#if LOCKORDER_RUNTIME
  rt::lock_state state_;
#endif
};
}  // namespace impl

/// A lock of class C over any BasicLockable L (std::mutex by default).
template <lock_class C, basic_lockable L = std::mutex>
class mutex : public impl::lock_base<C, L> {
 public:
  static constexpr bool lockorder_shared = false;
  using impl::lock_base<C, L>::lock_base;

  /// Reports assertion_failed unless this thread holds the lock: the kernel's
  /// lockdep_assert_held, Abseil's AssertHeld; -Wthread-safety takes it as held from here.
  /// A context_at<C> parameter says the same at compile time (docs/concepts.md#boundaries).
  /// No-op with LOCKORDER_RUNTIME=0. Cost: a scan of the thread's held stack.
  void assert_held(call_site site = {}) const LOCKORDER_ASSERT_CAPABILITY(this) {
    this->check_held(true, site);
  }
};

/// A reader/writer lock of class C over any SharedLockable (std::shared_mutex by default).
template <lock_class C, class L = std::shared_mutex>
  requires basic_lockable<L> && shared_lockable<L>
class shared_mutex : public impl::lock_base<C, L> {
  using base = impl::lock_base<C, L>;

 public:
  static constexpr bool lockorder_shared = true;
  using base::base;

  /// As mutex::assert_held(); held shared or exclusive counts (-Wthread-safety: shared).
  void assert_held(call_site site = {}) const LOCKORDER_ASSERT_SHARED_CAPABILITY(this) {
    this->check_held(true, site);
  }

#if LOCKORDER_RUNTIME
  [[gnu::always_inline]] void lock_shared(
      std::source_location site = std::source_location::current())
      LOCKORDER_ACQUIRE_SHARED() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    acquire_shared_impl(false, site);
  }
  [[gnu::always_inline]] bool try_lock_shared(
      std::source_location site = std::source_location::current())
      LOCKORDER_TRY_ACQUIRE_SHARED(true) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    return acquire_shared_impl(true, site);
  }
  void unlock_shared(std::source_location site = std::source_location::current())
      LOCKORDER_RELEASE_SHARED() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    if (impl::rt::release<true>(this->state_, this, &impl::rt::class_desc_v<C>, site))
      this->lock_.unlock_shared();
  }
  /// might_lock() for a shared acquisition (lockdep's might_lock_read; the kernel's
  /// might_fault() is this on the address-space lock).
  void might_lock_shared(std::source_location site = std::source_location::current()) {
    namespace rt = impl::rt;
    rt::wait_point(this, rt::class_of(this->state_, rt::class_desc_v<C>),
                   reader_recursive_v<L> ? rt::mode_recursive_read : rt::mode_read, site);
  }

 private:
  friend struct impl::lock_access;
  [[gnu::always_inline]] bool acquire_shared_impl(bool is_try,
                                                 const std::source_location& site) {
    namespace rt = impl::rt;
    return this->template take<true>(
        reader_recursive_v<L> ? rt::mode_recursive_read : rt::mode_read, 0, is_try, site);
  }
#else
  LOCKORDER_RT0_INLINE void lock_shared(call_site = {}) LOCKORDER_ACQUIRE_SHARED()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    this->lock_.lock_shared();
  }
  LOCKORDER_RT0_INLINE bool try_lock_shared(call_site = {}) LOCKORDER_TRY_ACQUIRE_SHARED(true)
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    return this->lock_.try_lock_shared();
  }
  LOCKORDER_RT0_INLINE void unlock_shared(call_site = {}) LOCKORDER_RELEASE_SHARED()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    this->lock_.unlock_shared();
  }
  void might_lock_shared(call_site = {}) {}
#endif
};

/// Gives lock `m` a name that reports show next to its class ("intel_iommu.lock"), or
/// forgets it (empty name). Useful for aggregates and arrays of one class.
template <class L>
void name_lock(L& m, std::string_view name) noexcept {
#if LOCKORDER_RUNTIME
  impl::rt::name_instance(static_cast<const void*>(&m), name);
#else
  (void)m, (void)name;
#endif
}

/// Satisfied by lockorder's lock types (and anything built on impl::lock_base).
template <class L>
concept lockorder_lock = requires {
  requires L::lockorder_lock;
  typename L::class_type;
};

LOCKORDER_NAMESPACE_END
