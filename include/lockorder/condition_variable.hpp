// lockorder/condition_variable.hpp — condition_variable and condition_variable_any with
// a class (in waits.hpp too; this header alone costs what <condition_variable> costs).
// Recorded like a completion (completion.hpp): wait(lk) while holding H records
// "H -> class" (besides lk's own mutex, which the wait releases); notify_*() while
// holding L records "class -> L". Table of what is covered: docs/runtime.md#waits.
#pragma once

#include <lockorder/completion.hpp>
#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>

#include <condition_variable>  // std::chrono's durations and time points too (not <chrono>)
#include <mutex>
#include <source_location>
#include <type_traits>
#include <utility>

LOCKORDER_NAMESPACE_BEGIN

namespace impl {
// A lock a condition_variable may wait with: std::unique_lock over std::mutex, or over a
// lockorder::mutex whose native lock is std::mutex (as std::condition_variable requires).
template <class Lock> inline constexpr bool over_std_mutex_v = false;
template <> inline constexpr bool over_std_mutex_v<std::unique_lock<std::mutex>> = true;
template <lock_class C>
inline constexpr bool over_std_mutex_v<std::unique_lock<mutex<C, std::mutex>>> = true;

// condition_variable (AnyLock = false) and condition_variable_any (true). The runtime
// needs every unlock and re-lock of the wait to go through the lock's own unlock() and
// lock() (its owner and held stack), so with the runtime on both wait through
// std::condition_variable_any; with it off, condition_variable is a plain
// std::condition_variable and waits on the std::mutex underneath the lock.
template <lock_class C, bool AnyLock>
class condition_variable_base : public waitable<C> {
  using native_cv = std::conditional_t<AnyLock || LOCKORDER_RUNTIME, std::condition_variable_any,
                                       std::condition_variable>;

 public:
  condition_variable_base() = default;
  explicit condition_variable_base(own_class_t own) : waitable<C>(own) {}

  template <class Lock>
  void wait(Lock& lk, std::source_location site = std::source_location::current()) {
    if constexpr (accepts<Lock>()) {
      this->note_wait(site, skip_top<Lock>());
      on_native(lk, [&](auto& l) { cv_.wait(l); });
    }
  }
  template <class Lock, class Pred>
  void wait(Lock& lk, Pred pred, std::source_location site = std::source_location::current()) {
    if constexpr (accepts<Lock>()) {
      this->note_wait(site, skip_top<Lock>());
      on_native(lk, [&](auto& l) { cv_.wait(l, std::move(pred)); });
    }
  }
  template <class Lock, class Rep, class Period, class Pred>
  bool wait_for(Lock& lk, const std::chrono::duration<Rep, Period>& d, Pred pred) {
    if constexpr (accepts<Lock>())
      return on_native(lk, [&](auto& l) { return cv_.wait_for(l, d, std::move(pred)); });
    else
      return false;
  }
  template <class Lock, class Clock, class Duration, class Pred>
  bool wait_until(Lock& lk, const std::chrono::time_point<Clock, Duration>& t, Pred pred) {
    if constexpr (accepts<Lock>())
      return on_native(lk, [&](auto& l) { return cv_.wait_until(l, t, std::move(pred)); });
    else
      return false;
  }
  void notify_one(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    cv_.notify_one();
  }
  void notify_all(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    cv_.notify_all();
  }

 private:
  // The wait releases lk's mutex: when it is a lockorder lock, it is the top of the held
  // stack (lk was locked last) and is left out; a std::mutex was never on the stack.
  template <class Lock>
  static constexpr unsigned skip_top() {
#if LOCKORDER_RUNTIME
    if constexpr (requires { typename Lock::mutex_type; }) {
      if constexpr (lockorder_lock<typename Lock::mutex_type>) return rt::mode_skip_top;
    }
#endif
    return 0;
  }
  // One error, the first, when Lock is not one this condition variable waits with.
  template <class Lock>
  static constexpr bool accepts() {
    static_assert(AnyLock || over_std_mutex_v<Lock>,
                  "lockorder: condition_variable<C> waits with a std::unique_lock over "
                  "std::mutex or over a lockorder::mutex of std::mutex, as "
                  "std::condition_variable does; for any other lock use "
                  "lockorder::condition_variable_any<C>");
    return AnyLock || over_std_mutex_v<Lock>;
  }
  // Calls f with the lock the native condition variable waits with.
  template <class Lock, class F>
  static decltype(auto) on_native(Lock& lk, F&& f) {
    if constexpr (std::is_same_v<native_cv, std::condition_variable_any> ||
                  std::is_same_v<Lock, std::unique_lock<std::mutex>>) {
      return f(lk);
    } else {
      // lk keeps owning the lock: the native wait unlocks and re-locks the same std::mutex.
      std::unique_lock<std::mutex> native(lk.mutex()->native(), std::adopt_lock);
      struct keep {
        std::unique_lock<std::mutex>& l;
        ~keep() { (void)l.release(); }  // also when the predicate throws
      } k{native};
      return f(native);
    }
  }
  native_cv cv_;
};
}  // namespace impl

/// std::condition_variable with a class: waits with a std::unique_lock over std::mutex or
/// over a lockorder::mutex of std::mutex. wait(lk) records what is held besides lk's own
/// mutex (the top of the held stack, which the wait releases); notify_*() record what the
/// notifier holds. With the runtime off it is a std::condition_variable (same size, same
/// instructions); with it on it waits through std::condition_variable_any, so that the
/// validator sees the wait release and re-take the lock.
template <lock_class C>
class condition_variable : public impl::condition_variable_base<C, false> {
 public:
  using impl::condition_variable_base<C, false>::condition_variable_base;
};

/// std::condition_variable_any with a class, for any BasicLockable (a std::unique_lock over a lockorder::shared_mutex or a recursive mutex, a user's lock).
template <lock_class C>
class condition_variable_any : public impl::condition_variable_base<C, true> {
 public:
  using impl::condition_variable_base<C, true>::condition_variable_base;
};

LOCKORDER_NAMESPACE_END
