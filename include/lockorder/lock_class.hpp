// lockorder/lock_class.hpp — lock classes: LOCKORDER_CLASS, levels, names, class traits.
//
// A lock class is a tag type. Every lock of that class shares one place in the order:
// its level (lower levels are taken first) or, for an unranked class, whatever order
// the run-time validator learns. See docs/concepts.md and examples/010-first-hierarchy.cpp.
#pragma once

#include <lockorder/config.hpp>

#include <climits>
#include <concepts>
#include <string_view>

namespace lockorder {

/// A class's place in the global order. Lower levels are acquired first.
using level_t = int;

namespace detail {
struct level_spec {
  level_t value;
  bool ranked;
};
consteval level_spec make_level() { return {0, false}; }
consteval level_spec make_level(level_t value) { return {value, true}; }
}  // namespace detail

/// Defines lock class `name` at the current scope (namespace or class), usable from a
/// header included by many translation units. `LOCKORDER_CLASS(name, level)` ranks it;
/// `LOCKORDER_CLASS(name)` leaves it unranked: the compile-time layer checks only that it
/// is not taken twice, and its order against other classes is learned at run time.
#define LOCKORDER_CLASS(name, ...)                                                    \
  struct name {                                                                       \
    static constexpr ::std::string_view lockorder_name{#name};                        \
    static constexpr ::lockorder::detail::level_spec lockorder_level =                \
        ::lockorder::detail::make_level(__VA_ARGS__);                                 \
  }

/// Satisfied by the tag types LOCKORDER_CLASS defines.
template <class C>
concept lock_class = requires {
  { C::lockorder_name } -> std::convertible_to<std::string_view>;
  { C::lockorder_level } -> std::convertible_to<detail::level_spec>;
};

/// The class's name as written in LOCKORDER_CLASS.
template <lock_class C>
inline constexpr std::string_view class_name_v = C::lockorder_name;

/// True when the class was given a level.
template <lock_class C>
inline constexpr bool is_ranked_v = C::lockorder_level.ranked;

/// The class's level (0 for an unranked class; check is_ranked_v first).
template <lock_class C>
inline constexpr level_t level_v = C::lockorder_level.value;

}  // namespace lockorder
