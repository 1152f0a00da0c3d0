// lockorder/report.hpp — what the run-time validator reports, and where reports go.
//
// A report is data first: its kind, the acquisition being attempted, the locks held, and
// for a cycle every dependency of the chain with the site where it was first seen.
// text() renders it the way lockdep does; docs/runtime.md shows one of each kind.
//
// Where reports go: the handler mode, set from code (set_report_mode, set_report_handler,
// scoped_report_handler) or from the environment (LOCKORDER_OPTIONS=mode=abort). The
// handler runs before the reporting thread blocks on the lock it is about to take.
// Without exceptions (LOCKORDER_EXCEPTIONS=0) throw mode is unavailable: naming it does not
// compile, and asking for it at run time gets abort mode and one line saying so.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/format.hpp>
#include <lockorder/detail/options.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/report_types.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

namespace lockorder {

/// Thrown from a blocking acquisition in report_mode::throw_exception. Defined either way;
/// never thrown with LOCKORDER_EXCEPTIONS=0.
class lock_order_error : public std::logic_error {
 public:
  explicit lock_order_error(report r)
      : std::logic_error(r.message), report_(std::move(r)) {}
  [[nodiscard]] const struct report& get_report() const noexcept { return report_; }

 private:
  struct report report_;
};

// Numbered: without exceptions the library names the throw mode by its value only.
enum class report_mode {
  log = 0,    ///< write text() to stderr and go on (default)
  abort = 1,  ///< write it, then std::abort()
#if LOCKORDER_EXCEPTIONS
  throw_exception = 2,  ///< throw lock_order_error from the acquisition (others are logged)
#else
  // Naming it is an error that says why (GCC 12 prints that error line twice).
  throw_exception __attribute__((unavailable(
      "lockorder: report_mode::throw_exception needs exceptions, and this translation unit "
      "is built without them (-fno-exceptions: LOCKORDER_EXCEPTIONS=0); use "
      "report_mode::abort, or a handler (set_report_handler)"))) = 2,
#endif
  callback = 3,  ///< call the handler given to set_report_handler()
};

using report_handler = std::function<void(const report&)>;

/// Selects how reports are delivered. Thread-safe; affects all threads. Without exceptions,
/// the throw mode's value (only reachable through a cast) selects abort, saying so on stderr.
void set_report_mode(report_mode mode) noexcept;
[[nodiscard]] report_mode get_report_mode() noexcept;

/// Installs a callback and switches to report_mode::callback. The callback runs on the
/// reporting thread, outside the validator's lock; locks it takes are not validated. It
/// is not called once main has returned (or exit() was called): reports raised during
/// exit (held at thread exit, destroyed in a static destructor) go to stderr, so a
/// handler may capture main's locals by reference (docs/runtime.md#after-main).
void set_report_handler(report_handler handler);

/// Installs a handler for a scope and restores the previous mode and handler after, so
/// a test never has to reset a global by hand.
class scoped_report_handler {
 public:
  explicit scoped_report_handler(report_handler handler);
  ~scoped_report_handler();
  scoped_report_handler(const scoped_report_handler&) = delete;
  scoped_report_handler& operator=(const scoped_report_handler&) = delete;

 private:
  report_mode saved_mode_;
  report_handler saved_handler_;
};

namespace detail {

inline constexpr report_mode throw_mode = static_cast<report_mode>(2);
#if LOCKORDER_EXCEPTIONS
static_assert(throw_mode == report_mode::throw_exception);
#endif

struct report_sink {
  std::atomic<report_mode> mode{report_mode::log};
  std::atomic<bool> env_read{false};
  std::atomic<bool> exiting{false};  // main has returned (or exit() was called): no handler
  std::mutex handler_lock;  // only taken while delivering or setting: never on a lock path
  report_handler handler;
};
inline report_sink& sink() {
  static report_sink s;
  return s;
}

#if !LOCKORDER_EXCEPTIONS
// Throw mode asked for without exceptions: abort instead, and say so in one line. Abort,
// not log: a run that asks for throw wants a report to stop it (a test to fail), and
// logging would let it pass (docs/runtime.md#without-exceptions).
inline report_mode throw_mode_unavailable(const char* asked, const char* instead) noexcept {
  std::fprintf(stderr,
               "lockorder: %s needs exceptions, and this program is built without them "
               "(-fno-exceptions: LOCKORDER_EXCEPTIONS=0); using %s instead\n",
               asked, instead);
  return report_mode::abort;
}
#endif

inline void read_environment() {
  auto& s = sink();
  if (s.env_read.exchange(true)) return;
  for_each_option([&](std::string_view key, std::string_view value) {
    if (key == "mode") {
      if (value == "log") s.mode = report_mode::log;
      else if (value == "abort") s.mode = report_mode::abort;
#if LOCKORDER_EXCEPTIONS
      else if (value == "throw") s.mode = report_mode::throw_exception;
#else
      else if (value == "throw")
        s.mode = throw_mode_unavailable("LOCKORDER_OPTIONS: mode=throw", "mode=abort");
#endif
      else std::fprintf(stderr, "lockorder: LOCKORDER_OPTIONS: unknown mode '%.*s' (log, abort, throw)\n",
                        static_cast<int>(value.size()), value.data());
    } else if (key != "export" && key != "addr2line") {  // read where they are used
      std::fprintf(stderr,
                   "lockorder: LOCKORDER_OPTIONS: unknown option '%.*s' (mode, export, addr2line)\n",
                   static_cast<int>(key.size()), key.data());
    }
  });
}

/// Delivers a report according to the mode. Returns true when the caller should throw
/// (throw mode and a blocking acquisition: `may_throw`); never without exceptions.
inline bool deliver(const report& r, bool may_throw) {
#if !LOCKORDER_EXCEPTIONS
  (void)may_throw;
#endif
  read_environment();
  auto& s = sink();
  switch (s.mode.load()) {
    case report_mode::callback: {
      report_handler h;
      if (!s.exiting.load(std::memory_order_acquire)) {
        std::lock_guard g(s.handler_lock);
        h = s.handler;
      }
      if (h) {
        h(r);
        return false;
      }
      [[fallthrough]];
    }
    case report_mode::log:
      std::fputs(r.text().c_str(), stderr);
      std::fflush(stderr);
      return false;
#if !LOCKORDER_EXCEPTIONS
    default:  // the throw mode, which set_report_mode() and read_environment() never keep
#endif
    case report_mode::abort:
      std::fputs(r.text().c_str(), stderr);
      std::fflush(stderr);
      std::abort();
#if LOCKORDER_EXCEPTIONS
    case report_mode::throw_exception:
      if (may_throw) return true;
      std::fputs(r.text().c_str(), stderr);
      std::fflush(stderr);
      return false;
#endif
  }
  return false;
}

// A handler set from code is not called once the program is exiting: it may have
// captured main's locals, which are gone when main returns, and exit() then runs the main
// thread's thread_local destructors (lockorder's held-at-exit check among them), the
// atexit handlers and the static destructors, any of which may report. From then on
// reports go to stderr. Marked by the first of: the main thread's thread_local objects
// being destroyed (this guard, made when a handler is set on the main thread, and the
// validator's exit hook), or an atexit handler (for a handler set on another thread).
inline void main_exiting() noexcept { sink().exiting.store(true, std::memory_order_release); }
inline void watch_exit() {
  if (getpid() == gettid()) {
    struct guard {
      ~guard() { main_exiting(); }
    };
    static thread_local guard on_main_exit;
    (void)on_main_exit;
  }
  static const bool registered = std::atexit(main_exiting) == 0;
  (void)registered;
}

}  // namespace detail

inline void set_report_mode(report_mode mode) noexcept {
  detail::sink().env_read = true;  // code wins over the environment
#if !LOCKORDER_EXCEPTIONS
  if (mode == detail::throw_mode)
    mode = detail::throw_mode_unavailable("set_report_mode: report_mode::throw_exception",
                                          "report_mode::abort");
#endif
  detail::sink().mode = mode;
}
inline report_mode get_report_mode() noexcept {
  detail::read_environment();
  return detail::sink().mode;
}
inline void set_report_handler(report_handler handler) {
  detail::watch_exit();
  auto& s = detail::sink();
  {
    std::lock_guard g(s.handler_lock);
    s.handler = std::move(handler);
  }
  set_report_mode(report_mode::callback);
}
inline scoped_report_handler::scoped_report_handler(report_handler handler)
    : saved_mode_(get_report_mode()) {
  detail::watch_exit();
  auto& s = detail::sink();
  {
    std::lock_guard g(s.handler_lock);
    saved_handler_ = std::exchange(s.handler, std::move(handler));
  }
  set_report_mode(report_mode::callback);
}
inline scoped_report_handler::~scoped_report_handler() {
  auto& s = detail::sink();
  {
    std::lock_guard g(s.handler_lock);
    s.handler = std::move(saved_handler_);
  }
  set_report_mode(saved_mode_);
}

inline std::string_view to_string(report_kind k) noexcept {
  switch (k) {
    case report_kind::circular_dependency: return "circular_dependency";
    case report_kind::order_violation: return "order_violation";
    case report_kind::recursive_lock: return "recursive_lock";
    case report_kind::bad_unlock: return "bad_unlock";
    case report_kind::destroyed_while_held: return "destroyed_while_held";
    case report_kind::held_at_thread_exit: return "held_at_thread_exit";
    case report_kind::limit_reached: return "limit_reached";
    case report_kind::stale_context: return "stale_context";
    case report_kind::assertion_failed: return "assertion_failed";
  }
  return "unknown";
}

}  // namespace lockorder
