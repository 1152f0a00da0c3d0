// lockorder/detail/fixed_string.hpp — lockorder::fixed_string, a string usable as a
// template argument (the reasons of after<> and step<>, the messages of the compile
// errors). Public through lock_class.hpp.
#pragma once

#include <cstddef>
#include <string_view>

namespace lockorder {

/// A string usable as a template argument: the rationale of a declared order.
template <std::size_t N>
struct fixed_string {
  char data[N];
  consteval fixed_string(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {data, N - 1}; }
};

}  // namespace lockorder
