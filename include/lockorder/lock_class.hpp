// lockorder/lock_class.hpp — lock classes: LOCKORDER_CLASS, levels, names, class traits.
//
// A lock class is a tag type. Every lock of that class shares one place in the order:
// its level (lower levels are taken first) or, for an unranked class, whatever order
// the run-time validator learns. See docs/concepts.md and examples/010-first-hierarchy.cpp.
#pragma once

#include <lockorder/config.hpp>

#include <climits>
#include <concepts>
#include <cstddef>
#include <source_location>
#include <string_view>
#include <type_traits>

namespace lockorder {

/// A class's place in the global order. Lower levels are acquired first.
using level_t = int;

/// A string usable as a template argument: the rationale of a declared order.
template <std::size_t N>
struct fixed_string {
  char data[N];
  consteval fixed_string(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {data, N - 1}; }
};

/// One declared order: class C is acquired before the class that lists it. `Why` says
/// why; reports and generated docs print it. C may be incomplete where it is named.
template <class C, fixed_string Why>
struct after_t {
  using class_type = C;
  static constexpr std::string_view why = Why.view();
};

/// Used in LOCKORDER_CLASS: `lockorder::after<mmap_sem, "the fault handler takes it inside">`.
template <class C, fixed_string Why = "">
inline constexpr after_t<C, Why> after{};

template <class... T>
struct type_list {};

namespace detail {
struct level_spec {
  level_t value;
  bool ranked;
};
template <class T> struct is_after : std::false_type {};
template <class C, fixed_string W> struct is_after<after_t<C, W>> : std::true_type {};

/// What LOCKORDER_CLASS's arguments say: an optional level, then declared orders.
template <class... After>
struct class_spec {
  level_spec level;
  using after_list = type_list<After...>;
};
consteval class_spec<> make_spec() { return {{0, false}}; }
template <class... A>
  requires(is_after<A>::value && ...)
consteval class_spec<A...> make_spec(level_t level, A...) {
  return {{level, true}};
}
template <class A0, class... A>
  requires is_after<A0>::value && (is_after<A>::value && ...)
consteval class_spec<A0, A...> make_spec(A0, A...) {
  return {{0, false}};
}
}  // namespace detail

/// Defines lock class `name` at the current scope (namespace or class), usable from a
/// header included by many translation units. `LOCKORDER_CLASS(name, level)` ranks it;
/// `LOCKORDER_CLASS(name)` leaves it unranked: its order against other classes is learned
/// at run time. Either may be followed by declared orders, each naming a class taken
/// before this one and why: `LOCKORDER_CLASS(b, lockorder::after<a, "a's callbacks take b">)`.
/// Declared orders are transitive and checked like levels (docs/concepts.md#declared).
#define LOCKORDER_CLASS(name, ...)                                                    \
  struct name {                                                                       \
    static constexpr ::std::string_view lockorder_name{#name};                        \
    static constexpr auto lockorder_spec = ::lockorder::detail::make_spec(__VA_ARGS__); \
    static constexpr ::lockorder::detail::level_spec lockorder_level =                \
        lockorder_spec.level;                                                         \
    static constexpr ::std::source_location lockorder_where =                         \
        ::std::source_location::current();                                            \
  }

/// Satisfied by the tag types LOCKORDER_CLASS defines.
template <class C>
concept lock_class = requires {
  { C::lockorder_name } -> std::convertible_to<std::string_view>;
  { C::lockorder_level } -> std::convertible_to<detail::level_spec>;
};

namespace detail {
// The qualified name of T ("ranked::vmm_mutex") in the signature of a function template
// whose parameter is T: "... [with T = ranked::vmm_mutex; ...]" (GCC) or
// "... [T = ranked::vmm_mutex]" (clang).
constexpr std::string_view name_in_signature(std::string_view f) noexcept {
  const std::size_t start = f.find("T = ") + 4;
  const std::size_t end = f.find_first_of(";]", start);
  return f.substr(start, end - start);
}
// The signature that names T, unparsed: the run-time validator keeps one per class and
// parses it when the class is registered, so a class costs it no constant evaluation.
template <class T>
consteval const char* signature() {
  return __PRETTY_FUNCTION__;
}
template <class T>
consteval std::string_view qualified_name() {
  return name_in_signature(signature<T>());
}
}  // namespace detail

/// The class's qualified name: the name in LOCKORDER_CLASS, with its namespaces and
/// enclosing classes, so classes of one name in two namespaces stay apart in reports.
template <lock_class C>
inline constexpr std::string_view class_name_v = detail::qualified_name<C>();

/// True when the class was given a level.
template <lock_class C>
inline constexpr bool is_ranked_v = C::lockorder_level.ranked;

/// The class's level (0 for an unranked class; check is_ranked_v first).
template <lock_class C>
inline constexpr level_t level_v = C::lockorder_level.value;

/// The orders C declares: a type_list of after_t<P, Why>, one per class taken before C.
template <lock_class C>
using declared_after_t = typename std::remove_cv_t<decltype(C::lockorder_spec)>::after_list;

}  // namespace lockorder
