// lockorder/detail/guard_body.hpp — what every context and guard (context.hpp) shares
// whatever it holds: the context's depth and its stale-context checks (context_base), and
// the owning half of a guard, instantiated per lock type (guard_body). Internal: not a
// stable interface.
#pragma once

#include <lockorder/call_site.hpp>
#include <lockorder/config.hpp>
#include <lockorder/detail/meta.hpp>
#include <lockorder/mutex.hpp>

#include <cstdint>

LOCKORDER_NAMESPACE_BEGIN

namespace impl {
using namespace ::lockorder::detail;

// Per-thread bookkeeping for the stale-context check (see docs/concepts.md#stale).
#if LOCKORDER_CHECK_CONTEXT
struct context_depth {
  std::uint32_t value = 0;
};
#else
struct context_depth {};
#endif

struct context_access;

// What every context shares, whatever it holds: its depth (LOCKORDER_CHECK_CONTEXT) and
// the checks on it. Not a template, so no held set instantiates any of it again.
class context_base {
 protected:
  [[gnu::always_inline]] context_base() = default;
  [[gnu::always_inline]] explicit context_base(context_depth d) : depth_(d) {}
#if LOCKORDER_CHECK_CONTEXT
  // A moved-from guard is no context any more: using it is reported as stale.
  context_base(const context_base&) = default;
  context_base(context_base&& other) noexcept : depth_(other.depth_) { other.depth_ = {}; }
  context_base& operator=(const context_base&) = default;
#endif

  // Checks that this context is the thread's innermost one and opens a child.
  [[gnu::always_inline]] context_depth enter(call_site site) {
#if LOCKORDER_CHECK_CONTEXT
    return {rt::context_enter(depth_.value, site)};
#else
    (void)site;
    return {};
#endif
  }
  [[gnu::always_inline]] void check_current(call_site site) {
#if LOCKORDER_CHECK_CONTEXT
    rt::context_check(depth_.value, site);
#else
    (void)site;
#endif
  }

  // No initializer here: context_depth has its own, and without one the defaults stay
  // trivial when it is empty (no constructor call per held set at -O0).
  [[no_unique_address]] context_depth depth_;

  // The depth a context_at/context_before made from this context takes on (found by ADL).
  [[gnu::always_inline]] friend context_depth depth_of(const context_base& c) {
    return c.depth_;
  }
};

// Selects group_guard's constructor that keeps the order given (lock_fields()).
struct in_given_order_t {};
inline constexpr in_given_order_t in_given_order{};

// How guards take and drop a lock for a held-set entry E. With the runtime off the
// site is dropped and these are the bare calls on the underlying lock.
struct lock_access {
  // Not analysed (-Wthread-safety): the guard, not this helper, owns what it takes.
  template <class E, class L>
  LOCKORDER_RT0_INLINE static bool acquire(L& m, unsigned flags,
                                           call_site site)
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using T = entry_traits<E>;
#if LOCKORDER_RUNTIME
    if constexpr (T::is_shared)
      return m.acquire_shared_impl(T::is_try, site);
    else
      return m.acquire_impl(T::subclass, T::is_try, flags, site);
#else
    (void)flags, (void)site;
    if constexpr (T::is_try && T::is_shared) return m.try_lock_shared();
    else if constexpr (T::is_try) return m.try_lock();
    else if constexpr (T::is_shared) return m.lock_shared(), true;
    else return m.lock(), true;
#endif
  }
  template <class E, class L>
  LOCKORDER_RT0_INLINE static void release(L& m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    if constexpr (entry_traits<E>::is_shared)
      m.unlock_shared();
    else
      m.unlock();
  }
};

// The owning half of a guard: everything that depends only on the lock type and how it
// is held (entry E), so it is instantiated once per lock type, never per held set
// (compile time is a feature: a held set is a new type at every acquisition).
template <class Lock, class E>
class guard_body {
 public:
  guard_body(guard_body&& other) noexcept : lock_(other.lock_) {
    other.lock_ = nullptr;
#if LOCKORDER_CHECK_CONTEXT
    leave_ = other.leave_;
    other.leave_ = {};
#endif
  }
  guard_body& operator=(guard_body&&) = delete;  // a context's place in the nesting is fixed
  guard_body(const guard_body&) = delete;
  ~guard_body() {
    release();
#if LOCKORDER_CHECK_CONTEXT
    rt::context_leave(leave_.value);
#endif
  }

 protected:
  // Not inlined: with the validator off, one small function per lock type costs less
  // compile time at -O0 than its body inlined into every acquisition (an optimizing
  // build inlines it anyway).
  guard_body(context_depth d, Lock& m, call_site site) : lock_(nullptr) {
#if LOCKORDER_CHECK_CONTEXT
    leave_ = d;
#  if LOCKORDER_EXCEPTIONS
    try {
#  endif
      if (lock_access::acquire<E>(m, 0, site)) lock_ = &m;
#  if LOCKORDER_EXCEPTIONS
    } catch (...) {  // a report thrown in throw mode: nothing is held; leave the depth
      rt::context_leave(d.value);
      throw;
    }
#  endif
#else
    (void)d;
    if (lock_access::acquire<E>(m, 0, site)) lock_ = &m;
#endif
  }
  void release() {
    if (Lock* m = lock_) {
      lock_ = nullptr;
      lock_access::release<E>(*m);
    }
  }
  // Takes m again after release() (a try-lock entry tries again).
  void take_again(Lock& m, call_site site) {
    if (lock_access::acquire<E>(m, 0, site)) lock_ = &m;
  }

  Lock* lock_;
#if LOCKORDER_CHECK_CONTEXT
  context_depth leave_;  // the depth this guard opened
#endif
};

}  // namespace impl

LOCKORDER_NAMESPACE_END
