// lockorder/waits.hpp — the other ways a thread waits for another, with classes:
// condition_variable (its own header, lockorder/condition_variable.hpp, for a file that
// needs only it), thread (join), promise/future, latch, barrier, counting_semaphore.
//
// Each is its std:: counterpart plus a class, treated like a completion (completion.hpp):
// a blocking wait while holding H records "H -> class"; a signal (notify, set_value,
// count_down, arrive, release, thread exit) while holding L records "class -> L", and so
// does every lock a thread takes while running (for join). Timed and try- waits recover
// by themselves and record nothing. Example: examples/070-other-waits.cpp; the table of
// what is covered: docs/runtime.md#waits.
#pragma once

#include <lockorder/completion.hpp>
#include <lockorder/condition_variable.hpp>
#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>

#include <barrier>
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

/// std::thread with a class: the body runs in a signalling section of the thread's exit,
/// so join() while holding H is checked against every lock the thread takes. With the
/// runtime off it is a std::thread (same size, nothing allocated). The exit completion is
/// shared by the object and the running thread, so a detached thread may outlive both.
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
      : exit_(has_own ? std::make_shared<completion<C>>(own) : std::make_shared<completion<C>>()),
        t_([done = exit_, fn = std::bind_front(std::forward<F>(f),
                                                      std::forward<Args>(args)...)]() mutable {
          {
            auto section = done->signalling();
            fn();
          }
          done->complete_all();
        }) {}

  std::shared_ptr<completion<C>> exit_;
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
