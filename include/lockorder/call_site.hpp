// lockorder/call_site.hpp — lockorder::call_site: where an acquisition is made, in both run-time
// modes, for projects that wrap lockorder's locks in a lock class of their own.
//
// `void Lock(lockorder::call_site s = {}) { mu_.lock(s); }` compiles
// with the runtime on and off, and reports name the wrapper's caller, not the wrapper.
// Example and pattern: docs/api.md#wrapping. Cost: empty with LOCKORDER_RUNTIME=0; a
// std::source_location (one pointer) with it on.
#pragma once

#include <lockorder/config.hpp>

#include <source_location>

namespace lockorder {

/// The place an acquisition is attributed to (not lockorder::site, which is a report's
/// resolved site: function, file, line, stack). Take it as a defaulted parameter and pass
/// it on to the lockorder lock or context: `void Lock(lockorder::call_site s = {})`. The
/// default `{}` is the caller's location on g++ and clang++. `call_site::current()` is the same
/// on clang++; g++ 12 gives it the location where it is written (a nested default
/// argument), so prefer `= {}` in code that g++ builds (tests/unit/call_site_test.cpp).
struct call_site {
#if LOCKORDER_RUNTIME
  // consteval: only a default argument or constant makes one, so it is always a call site.
  consteval call_site(std::source_location w = std::source_location::current()) noexcept
      : where(w) {}
  [[nodiscard]] static consteval call_site current(
      std::source_location w = std::source_location::current()) noexcept {
    return call_site(w);
  }
  [[gnu::always_inline]] constexpr operator std::source_location() const noexcept {
    return where;
  }
  std::source_location where;
#else
  // A plain empty aggregate, not consteval: `= {}` costs nothing to compile per call.
  [[nodiscard]] static constexpr call_site current() noexcept { return {}; }
  [[gnu::always_inline]] constexpr operator std::source_location() const noexcept {
    return {};
  }
#endif
};

}  // namespace lockorder
