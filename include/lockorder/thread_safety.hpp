// lockorder/thread_safety.hpp — macros for Clang's thread safety analysis
// (-Wthread-safety): capability attributes on lockorder's lock and guard types, and the
// same macros for the user's own declarations (LOCKORDER_GUARDED_BY, LOCKORDER_REQUIRES).
//
// Under clang each macro is the attribute of the same name (when __has_attribute knows
// it); on other compilers each is nothing. lockorder::mutex and shared_mutex are
// capabilities, their lock/unlock functions acquire and release them, and a guard
// returned by ctx.lock(m) is a scoped capability that holds m. What clang 16 tracks and
// what it does not (lock_all(), std::lock_guard under libstdc++, moved guards):
// docs/api.md#thread-safety-analysis. Test: tests/thread_safety/.
#pragma once

#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(capability) && __has_attribute(scoped_lockable) &&      \
      __has_attribute(acquire_capability) && __has_attribute(no_thread_safety_analysis)
#    define LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(x) __attribute__((x))
#  endif
#endif
#ifndef LOCKORDER_THREAD_SAFETY_ATTRIBUTE_
#  define LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(x)
#endif

/// On a class: its objects are capabilities named `x` in warnings ("mutex 'mu'").
#define LOCKORDER_CAPABILITY(x) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(capability(x))
/// On a class: an RAII type whose constructor (or factory) acquires and whose destructor
/// releases the capabilities it was made with.
#define LOCKORDER_SCOPED_CAPABILITY LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(scoped_lockable)

/// On a data member or variable: reading needs capability `x` held (shared or
/// exclusive), writing needs it held exclusively.
#define LOCKORDER_GUARDED_BY(x) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(guarded_by(x))
/// On a pointer: the same for the object it points to.
#define LOCKORDER_PT_GUARDED_BY(x) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(pt_guarded_by(x))

/// On a function: callers must hold the capabilities exclusively / at least shared.
#define LOCKORDER_REQUIRES(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(requires_capability(__VA_ARGS__))
#define LOCKORDER_REQUIRES_SHARED(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(requires_shared_capability(__VA_ARGS__))
/// On a function: callers must not hold the capabilities (it acquires them).
#define LOCKORDER_EXCLUDES(...) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(locks_excluded(__VA_ARGS__))

/// On a function: it acquires the capabilities (none named: `this`), exclusively or shared.
#define LOCKORDER_ACQUIRE(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(acquire_capability(__VA_ARGS__))
#define LOCKORDER_ACQUIRE_SHARED(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(acquire_shared_capability(__VA_ARGS__))
/// On a function: it releases the capabilities held exclusively / shared / in either mode.
#define LOCKORDER_RELEASE(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(release_capability(__VA_ARGS__))
#define LOCKORDER_RELEASE_SHARED(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(release_shared_capability(__VA_ARGS__))
#define LOCKORDER_RELEASE_GENERIC(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(release_generic_capability(__VA_ARGS__))
/// On a function returning bool: it acquires the capabilities when it returns `b`.
#define LOCKORDER_TRY_ACQUIRE(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(try_acquire_capability(__VA_ARGS__))
#define LOCKORDER_TRY_ACQUIRE_SHARED(...) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(try_acquire_shared_capability(__VA_ARGS__))
/// On a function: once it returns, the capabilities are held (it checks, or aborts).
#define LOCKORDER_ASSERT_CAPABILITY(x) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(assert_capability(x))
#define LOCKORDER_ASSERT_SHARED_CAPABILITY(x) \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(assert_shared_capability(x))
/// On a function: it returns (a reference to) capability `x`.
#define LOCKORDER_RETURN_CAPABILITY(x) LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(lock_returned(x))
/// On a function: its body is not analysed (its attributes still apply to its callers).
#define LOCKORDER_NO_THREAD_SAFETY_ANALYSIS \
  LOCKORDER_THREAD_SAFETY_ATTRIBUTE_(no_thread_safety_analysis)
