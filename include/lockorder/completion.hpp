// lockorder/completion.hpp — completions: wait()/complete() with lock ordering, and
// signalling sections (code that must finish before a completion can fire).
//
// A completion has a class like a lock. Waiting while holding H means "H -> completion":
// whoever signals it must not need H. Signalling while holding L means "completion -> L"
// (the signaller needed L first), and so does taking L inside a signalling section.
// A cycle through a completion is reported like any other, with the wait and signal
// sites. Timed waits (wait_for, wait_until) recover by themselves and record nothing.
// Examples: examples/060-completions.cpp, examples/140-seed-004-kthread-park.cpp.
//
// Compile time (through a context): ctx.wait(c) needs every held level below c's;
// ctx.complete(c) needs every held level above it.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>

#include <climits>
#include <condition_variable>  // also std::chrono's durations, time points and steady_clock:
                                // not <chrono>, whose C++20 calendar and time zones cost
                                // 0.18 s of clang's time in every includer
#include <mutex>
#include <source_location>

LOCKORDER_NAMESPACE_BEGIN

template <class W> class signalling_section;

namespace impl {
/// What every waitable kind shares: a class (its type's, or its own) and the two
/// notes the validator takes: a wait, and a signal. Nothing with the runtime off.
template <lock_class C>
class waitable {
 public:
  using class_type = C;
  waitable() = default;
#if LOCKORDER_RUNTIME
  explicit waitable(own_class_t own) { rt::make_own_class(state_, own.name, rt::class_desc_v<C>); }
  ~waitable() {
    if (state_.own_class) rt::drop_own_class(state_);  // reclaimed (docs/runtime.md)
  }
#else
  explicit waitable(own_class_t) {}
#endif
  waitable(const waitable&) = delete;
  waitable& operator=(const waitable&) = delete;

 protected:
  template <class W> friend class lockorder::LOCKORDER_ABI::signalling_section;
#if LOCKORDER_RUNTIME
  void note_wait(const std::source_location& site, unsigned extra = 0) {
    rt::wait_point(this, rt::class_of(state_, rt::class_desc_v<C>), rt::mode_wait | extra, site);
  }
  void note_signal(const std::source_location& site) {
    rt::wait_point(this, rt::class_of(state_, rt::class_desc_v<C>), rt::mode_complete, site);
  }
  rt::lock_state state_;
#else
  void note_wait(const std::source_location&, unsigned = 0) {}
  void note_signal(const std::source_location&) {}
#endif
};
}  // namespace impl

/// The kernel's struct completion: complete() lets one waiter through (counts), and
/// complete_all() lets every present and future waiter through until reinit().
/// Cost: a wait or signal with locks held is checked like an acquisition (cached).
template <lock_class C>
class completion : public impl::waitable<C> {
 public:
  static constexpr bool lockorder_completion = true;

  completion() = default;
  /// A class of its own for this completion (seed 004: one per kthread), named `name`
  /// or "<C>#<n>". Its order against other instances is learned separately.
  explicit completion(own_class_t own) : impl::waitable<C>(own) {}

  /// Blocks until complete()d. Held locks become dependencies of the completion.
  void wait(std::source_location site = std::source_location::current()) {
    this->note_wait(site);
    std::unique_lock l(m_);
    cv_.wait(l, [this] { return done_ > 0; });
    consume();
  }

  /// Waits at most `d`; true if completed. Not recorded: a timed wait recovers.
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& d) {
    return wait_until(std::chrono::steady_clock::now() + d);
  }

  /// Waits until `t`; true if completed. Not recorded: a timed wait recovers.
  template <class Clock, class Duration>
  bool wait_until(const std::chrono::time_point<Clock, Duration>& t) {
    std::unique_lock l(m_);
    if (!cv_.wait_until(l, t, [this] { return done_ > 0; })) return false;
    consume();
    return true;
  }

  /// Lets one waiter through. Locks held here become dependencies of the completion.
  /// The waiter may destroy the completion as soon as its wait returns (the kernel's
  /// on-stack completion): the notify is made under the completion's own mutex, so no
  /// wait returns before complete() has stopped touching the object.
  void complete(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    std::lock_guard l(m_);
    if (done_ != UINT_MAX) ++done_;
    cv_.notify_one();
  }

  /// Lets every waiter through, now and until reinit().
  void complete_all(std::source_location site = std::source_location::current()) {
    this->note_signal(site);
    std::lock_guard l(m_);  // under the mutex, as complete()
    done_ = UINT_MAX;
    cv_.notify_all();
  }

  /// A completion is never held; what a thread can be in is its signalling section
  /// (signalling(), or a lockorder::thread's body for its exit). assert_held() reports
  /// assertion_failed unless this thread is inside one of this completion's sections;
  /// assert_not_held() reports it if it is. No-ops with LOCKORDER_RUNTIME=0.
  void assert_held(call_site site = {}) const { check_section(true, site); }
  void assert_not_held(call_site site = {}) const { check_section(false, site); }

  /// Makes the completion not done again, for reuse.
  void reinit() {
    std::lock_guard l(m_);
    done_ = 0;
  }

  /// True when a wait would not block.
  [[nodiscard]] bool done() const {
    std::lock_guard l(m_);
    return done_ > 0;
  }

  /// Opens a signalling section: until it closes, every lock taken is a dependency of
  /// this completion (like the kernel's dma_fence_begin_signalling()).
  [[nodiscard]] signalling_section<completion> signalling(
      std::source_location site = std::source_location::current()) {
    return signalling_section<completion>(*this, site);
  }

 private:
  void check_section(bool want, call_site site) const {
#if LOCKORDER_RUNTIME
    namespace rt = impl::rt;
    // The section's entry names the waitable base, as signalling_section records it.
    const auto* base = static_cast<const impl::waitable<C>*>(this);
    rt::assert_held(const_cast<rt::lock_state&>(this->state_), base, &rt::class_desc_v<C>, want,
                    site);
#else
    (void)want, (void)site;
#endif
  }
  template <class W> friend class signalling_section;
  void consume() {  // m_ held: one complete() lets one waiter through; complete_all() all
    if (done_ != UINT_MAX) --done_;
  }
  mutable std::mutex m_;  // internal: never recorded
  std::condition_variable cv_;
  unsigned done_ = 0;
};

/// RAII: while it lives, locks this thread takes are dependencies of the completion.
template <class W>
class signalling_section {
 public:
  signalling_section(const signalling_section&) = delete;
  signalling_section& operator=(const signalling_section&) = delete;
  ~signalling_section() {
#if LOCKORDER_RUNTIME
    impl::rt::release<false>(c_.state_, static_cast<impl::waitable<typename W::class_type>*>(&c_), &impl::rt::class_desc_v<typename W::class_type>,
                      std::source_location::current());
#endif
  }

 private:
  friend W;
  signalling_section(W& c, const std::source_location& site) : c_(c) {
#if LOCKORDER_RUNTIME
    namespace rt = impl::rt;
    // Entered like a try-lock: no dependency into it, dependencies out of it.
    rt::acquire(c.state_, static_cast<impl::waitable<typename W::class_type>*>(&c),
                rt::class_of(c.state_, rt::class_desc_v<typename W::class_type>), 0,
                rt::mode_exclusive | rt::mode_try | rt::mode_section, site);
#else
    (void)site;
#endif
  }
  W& c_;
};

LOCKORDER_NAMESPACE_END
