// lockorder/waits.hpp — the other ways a thread waits for another, with classes:
// condition_variable, thread (join), promise/future, latch, barrier, counting_semaphore.
//
// Each is its std:: counterpart plus a class, treated like a completion (completion.hpp):
// a blocking wait while holding H records "H -> class"; a signal (notify, set_value,
// count_down, arrive, release, thread exit) while holding L records "class -> L", and so
// does every lock a thread takes while running (for join). Timed and try- waits recover
// by themselves and record nothing. Example: examples/070-other-waits.cpp; the table of
// what is covered: docs/runtime.md#waits.
#pragma once

#include <lockorder/completion.hpp>
#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>

#include <barrier>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <semaphore>
#include <source_location>
#include <thread>
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
      this->note_wait(site, skip_top());
      on_native(lk, [&](auto& l) { cv_.wait(l); });
    }
  }
  template <class Lock, class Pred>
  void wait(Lock& lk, Pred pred, std::source_location site = std::source_location::current()) {
    if constexpr (accepts<Lock>()) {
      this->note_wait(site, skip_top());
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
  static constexpr unsigned skip_top() {
#if LOCKORDER_RUNTIME
    return rt::mode_skip_top;
#else
    return 0;
#endif
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

/// std::thread with a class: the body runs in a signalling section of the thread's exit,
/// so join() while holding H is checked against every lock the thread takes. With the
/// runtime off it is a std::thread (same size, nothing allocated).
template <lock_class C>
class thread {
 public:
  thread() noexcept = default;
  template <class F, class... Args>
  explicit thread(F&& f, Args&&... args) : thread(own_class_t{nullptr}, false, std::forward<F>(f),
                                                  std::forward<Args>(args)...) {}
  /// A class of its own for this thread's exit (seed 004: one per kthread).
  template <class F, class... Args>
  thread(own_class_t own, F&& f, Args&&... args)
      : thread(own, true, std::forward<F>(f), std::forward<Args>(args)...) {}

  thread(thread&&) noexcept = default;
  thread& operator=(thread&&) noexcept = default;
  ~thread() {
    if (t_.joinable()) std::terminate();  // as std::thread
  }

  void join(std::source_location site = std::source_location::current()) {
#if LOCKORDER_RUNTIME
    exit_->wait(site);
#else
    (void)site;
#endif
    t_.join();
  }
  void detach() { t_.detach(); }
  [[nodiscard]] bool joinable() const noexcept { return t_.joinable(); }
  [[nodiscard]] std::thread::id get_id() const noexcept { return t_.get_id(); }

 private:
#if LOCKORDER_RUNTIME
  template <class F, class... Args>
  thread(own_class_t own, bool has_own, F&& f, Args&&... args)
      : exit_(has_own ? std::make_unique<completion<C>>(own) : std::make_unique<completion<C>>()),
        t_([done = exit_.get(), fn = std::bind_front(std::forward<F>(f),
                                                      std::forward<Args>(args)...)]() mutable {
          {
            auto section = done->signalling();
            fn();
          }
          done->complete_all();
        }) {}

  std::unique_ptr<completion<C>> exit_;
#else
  template <class F, class... Args>
  thread(own_class_t, bool, F&& f, Args&&... args)
      : t_(std::forward<F>(f), std::forward<Args>(args)...) {}
#endif
  std::thread t_;
};

/// std::promise with a class; get_future() gives the matching lockorder::future.
template <lock_class C, class T>
class future;

template <lock_class C, class T>
class promise : public impl::waitable<C> {
 public:
  promise() = default;
  explicit promise(own_class_t own) : impl::waitable<C>(own) {}
  [[nodiscard]] future<C, T> get_future() { return future<C, T>(p_.get_future(), this); }
  template <class... V>
  void set_value(V&&... v) {
    this->note_signal(std::source_location::current());
    p_.set_value(std::forward<V>(v)...);
  }
  void set_exception(std::exception_ptr e) {
    this->note_signal(std::source_location::current());
    p_.set_exception(std::move(e));
  }

 private:
  friend class future<C, T>;
  void note_get(const std::source_location& site) { this->note_wait(site); }
  std::promise<T> p_;
};

template <lock_class C, class T>
class future {
 public:
  T get(std::source_location site = std::source_location::current()) {
    note_get(site);
    return f_.get();
  }
  void wait(std::source_location site = std::source_location::current()) const {
    note_get(site);
    f_.wait();
  }
  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& d) const {
    return f_.wait_for(d);
  }
  [[nodiscard]] bool valid() const noexcept { return f_.valid(); }

 private:
  friend class promise<C, T>;
#if LOCKORDER_RUNTIME
  future(std::future<T> f, promise<C, T>* p) : f_(std::move(f)), p_(p) {}
  void note_get(const std::source_location& site) const { p_->note_get(site); }
  std::future<T> f_;
  promise<C, T>* p_;  // the promise must outlive the wait, as its shared state does
#else
  future(std::future<T> f, promise<C, T>*) : f_(std::move(f)) {}  // a std::future, no more
  void note_get(const std::source_location&) const {}
  std::future<T> f_;
#endif
};

/// std::latch with a class: count_down() signals, wait() waits, arrive_and_wait() both.
template <lock_class C>
class latch : public impl::waitable<C> {
 public:
  explicit latch(std::ptrdiff_t expected) : l_(expected) {}
  latch(own_class_t own, std::ptrdiff_t expected) : impl::waitable<C>(own), l_(expected) {}
  void count_down(std::ptrdiff_t n = 1,
                  std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    l_.count_down(n);
  }
  void wait(std::source_location site = std::source_location::current()) const {
    const_cast<latch*>(this)->note_wait(site);
    l_.wait();
  }
  void arrive_and_wait(std::ptrdiff_t n = 1,
                       std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    this->note_wait(site);
    l_.arrive_and_wait(n);
  }
  [[nodiscard]] bool try_wait() const noexcept { return l_.try_wait(); }

 private:
  std::latch l_;
};

/// std::barrier with a class: arriving signals, waiting waits. A lock held across
/// arrive_and_wait() that another participant takes before arriving is a deadlock.
template <lock_class C, class CompletionFunction = decltype([]() noexcept {})>
class barrier : public impl::waitable<C> {
 public:
  explicit barrier(std::ptrdiff_t expected, CompletionFunction f = {})
      : b_(expected, std::move(f)) {}
  void arrive_and_wait(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    this->note_wait(site);
    b_.arrive_and_wait();
  }
  void arrive_and_drop(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    b_.arrive_and_drop();
  }

 private:
  std::barrier<CompletionFunction> b_;
};

/// std::counting_semaphore with a class: release() signals, acquire() waits. (A binary
/// semaphore used as a lock is better a lockorder::mutex over it.)
template <lock_class C, std::ptrdiff_t Max = 1024>
class counting_semaphore : public impl::waitable<C> {
 public:
  explicit counting_semaphore(std::ptrdiff_t desired) : s_(desired) {}
  void release(std::ptrdiff_t n = 1,
               std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    s_.release(n);
  }
  void acquire(std::source_location site = std::source_location::current()) {
    this->note_wait(site);
    s_.acquire();
  }
  [[nodiscard]] bool try_acquire() noexcept { return s_.try_acquire(); }
  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& d) {
    return s_.try_acquire_for(d);
  }

 private:
  std::counting_semaphore<Max> s_;
};

LOCKORDER_NAMESPACE_END
