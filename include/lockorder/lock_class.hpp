// lockorder/lock_class.hpp — lock classes: LOCKORDER_CLASS, levels, names, class traits.
//
// A lock class is a tag type. Every lock of that class shares one place in the order:
// its level (lower levels are taken first) or, for an unranked class, whatever order
// the run-time validator learns. See docs/concepts.md and examples/010-first-hierarchy.cpp.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/diagnostic_table.hpp>
#include <lockorder/detail/fixed_string.hpp>

#include <climits>
#include <concepts>
#include <cstddef>
#include <source_location>
#include <string_view>
#include <type_traits>
#include <utility>

namespace lockorder {

/// A class's place in the global order. Lower levels are acquired first.
using level_t = int;

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

/// One step of a hierarchy: class C, and why it comes where it does. The reason becomes
/// the declared order from the previous step's class to C (an after_t with this reason),
/// so errors, reports and generated docs carry it. C may be incomplete where it is named.
template <class C, fixed_string Why>
struct step {
  using class_type = C;
  static constexpr std::string_view why = Why.view();
  template <class Before>
  using after_type = after_t<Before, Why>;  // the order this step declares
};

namespace detail {
template <class T> struct is_step : std::false_type {};
template <class C, fixed_string W> struct is_step<step<C, W>> : std::true_type {};
}  // namespace detail

/// A lock order declared in one place: each step's class is taken after the previous
/// step's class, for the step's reason. Every class it names declares itself
/// `lockorder::in<H>` in its LOCKORDER_CLASS (so no translation unit sees the class
/// without its order); a class may be in several hierarchies, and keep a level and
/// after<> lists (docs/concepts.md#hierarchies, examples/120-seed-002-iommu-vtd.cpp).
/// Naming it costs nothing: the steps are read only when a member's order is used.
/// <lockorder/hierarchy.hpp> turns it into data and docs (declared_hierarchy<H>()).
template <class... Steps>
  requires(detail::is_step<Steps>::value && ...)
struct hierarchy {};

/// A class's membership of hierarchy H, as an argument of LOCKORDER_CLASS.
template <class H>
struct in_t {
  using hierarchy_type = H;
};
/// Used in LOCKORDER_CLASS: `LOCKORDER_CLASS(iommu_lock, lockorder::in<iommu_locks>)`.
template <class H>
inline constexpr in_t<H> in{};

// Words of the hierarchy checks, in error messages (never defined; the other checks'
// words are in detail/diagnostics.hpp, which depends on this header).
template <class Class> struct claiming_membership;  ///< the class whose LOCKORDER_CLASS says in<H>
template <class Class> struct named_in_a_step;      ///< a step's class
template <class Class> struct named_in_two_steps;   ///< a class listed twice
template <class Hierarchy> struct of_hierarchy;

namespace detail {
struct level_spec {
  level_t value;
  bool ranked;
};
template <class T> struct is_after : std::false_type {};
template <class C, fixed_string W> struct is_after<after_t<C, W>> : std::true_type {};
template <class T> struct is_in : std::false_type {};
template <class H> struct is_in<in_t<H>> : std::true_type {};
template <class T>
inline constexpr bool is_spec_item_v = is_after<T>::value || is_in<T>::value;

inline constexpr std::size_t no_step = ~std::size_t{0};

// The I-th of a pack by overload resolution: no recursion, and T may be incomplete.
template <std::size_t I, class T> struct indexed { using type = T; };
template <class Seq, class... T> struct indexer;
template <std::size_t... I, class... T>
struct indexer<std::index_sequence<I...>, T...> : indexed<I, T>... {};
template <std::size_t I, class T> indexed<I, T> select_index(const indexed<I, T>&);

template <class C, class H> struct step_position;
/// Where C is among H's steps (a fold over type identities: C may be incomplete), how
/// many steps name it, and the steps at an index.
template <class C, class... S>
struct step_position<C, hierarchy<S...>> {
  static constexpr bool named[sizeof...(S) + 1] = {std::is_same_v<C, typename S::class_type>...,
                                                   false};
  static constexpr std::size_t count = [] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof...(S); ++i) n += named[i];
    return n;
  }();
  static constexpr std::size_t index = [] {
    for (std::size_t i = 0; i < sizeof...(S); ++i)
      if (named[i]) return i;
    return no_step;
  }();
  template <std::size_t I>
  using step_at = typename decltype(select_index<I>(
      indexer<std::index_sequence_for<S...>, S...>{}))::type;
};

// Checked where LOCKORDER_CLASS(Self, ..., in<H>) is defined: Self is one of H's steps.
// Instantiated for its return type (class_spec::checked), never called: one error, at
// the class's LOCKORDER_CLASS.
template <class Self, class H>
constexpr auto check_claim() {
  using P = step_position<Self, H>;
  if constexpr (P::count == 0) {
    diagnostic::class_not_a_step_of_its_hierarchy<claiming_membership<Self>, of_hierarchy<H>>();
  } else if constexpr (P::count > 1) {
    diagnostic::class_twice_in_hierarchy<named_in_two_steps<Self>, of_hierarchy<H>>();
  }
}
template <class Self, class Item>
constexpr auto check_item() {
  if constexpr (is_in<Item>::value) check_claim<Self, typename Item::hierarchy_type>();
}

/// True when class C's LOCKORDER_CLASS says in<H>. C must be complete.
template <class C, class H>
inline constexpr bool claims_v =
    std::remove_cv_t<decltype(C::lockorder_spec)>::template claims<H>;

// Checked where a member's order is first used (C complete by then, as after<> needs):
// the class of the step before it declares in<H> too, so the chain is never cut.
template <class P, class H>
constexpr auto check_member() {
  if constexpr (!claims_v<P, H>) {
    diagnostic::step_class_not_in_hierarchy<named_in_a_step<P>, of_hierarchy<H>>();
  }
}

// The declared orders one item of Self's LOCKORDER_CLASS stands for: an after<> itself;
// an in<H>, after_t<class of the step before Self's, reason of Self's step> (nothing for
// the first step).
template <class Self, class Item>
constexpr auto orders_of(type_list<Item>) {
  if constexpr (is_after<Item>::value) {
    return type_list<Item>{};
  } else {
    using H = typename Item::hierarchy_type;
    using P = step_position<Self, H>;
    constexpr std::size_t k = P::index;
    if constexpr (k == 0 || k == no_step) {  // no_step: check_claim said so at the class
      return type_list<>{};
    } else {
      using before = typename P::template step_at<k - 1>::class_type;
      check_member<before, H>();
      return type_list<typename P::template step_at<k>::template after_type<before>>{};
    }
  }
}

template <class... L> struct join_lists { using type = type_list<>; };
template <class... A> struct join_lists<type_list<A...>> { using type = type_list<A...>; };
template <class... A, class... B, class... R>
struct join_lists<type_list<A...>, type_list<B...>, R...>
    : join_lists<type_list<A..., B...>, R...> {};

/// What LOCKORDER_CLASS's arguments say: an optional level, then declared orders
/// (after<>) and memberships (in<>), kept as written. after_list<Self> is the orders they
/// stand for, in that order; an alias template, so a hierarchy is read only when used.
/// checked<Self> is where LOCKORDER_CLASS checks its memberships.
template <class... Item>
struct class_spec {
  level_spec level;
  template <class Self>
  using after_list = typename join_lists<decltype(orders_of<Self>(type_list<Item>{}))...>::type;
  template <class Self>
  using checked = type_list<decltype(check_item<Self, Item>())...>;
  template <class H>
  static constexpr bool claims = (std::is_same_v<Item, in_t<H>> || ...);
};
// Without in<>, the orders are the after<> list itself, and nothing is checked: a class
// without hierarchies costs what it did before they existed.
template <class... Item>
  requires(!(is_in<Item>::value || ...))
struct class_spec<Item...> {
  level_spec level;
  template <class Self>
  using after_list = type_list<Item...>;
  template <class Self>
  using checked = void;
  template <class H>
  static constexpr bool claims = false;
};
consteval class_spec<> make_spec() { return {{0, false}}; }
template <class... A>
  requires(is_spec_item_v<A> && ...)
consteval class_spec<A...> make_spec(level_t level, A...) {
  return {{level, true}};
}
template <class A0, class... A>
  requires is_spec_item_v<A0> && (is_spec_item_v<A> && ...)
consteval class_spec<A0, A...> make_spec(A0, A...) {
  return {{0, false}};
}
}  // namespace detail

/// Defines lock class `name` at the current scope (namespace or class), usable from a
/// header included by many translation units. `LOCKORDER_CLASS(name, level)` ranks it;
/// `LOCKORDER_CLASS(name)` leaves it unranked: its order against other classes is learned
/// at run time. Either may be followed by declared orders, each naming a class taken
/// before this one and why: `LOCKORDER_CLASS(b, lockorder::after<a, "a's callbacks take b">)`,
/// and by memberships of hierarchies: `lockorder::in<iommu_locks>` (a compile error if no
/// step of the hierarchy names the class). Declared orders are transitive and checked
/// like levels (docs/concepts.md#declared-orders, docs/concepts.md#hierarchies).
#define LOCKORDER_CLASS(name, ...)                                                    \
  struct name {                                                                       \
    static constexpr ::std::string_view lockorder_name{#name};                        \
    static constexpr auto lockorder_spec = ::lockorder::detail::make_spec(__VA_ARGS__); \
    using lockorder_checked =                                                         \
        typename ::std::remove_cv_t<decltype(lockorder_spec)>::template checked<name>; \
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
// The signature that names T, unparsed: the run-time validator keeps one per class and
// parses it when the class is registered, so a class costs it no constant evaluation.
template <class T>
consteval const char* signature() {
  return __PRETTY_FUNCTION__;
}
/// The name of T in signature<T>(): "ranked::vmm_mutex", "net::device",
/// "{anonymous}::device" (GCC) or "(anonymous namespace)::device" (clang). The signature
/// ends with T: "... signature() [with T = " (GCC) or "... [T = " (clang), T, then "]",
/// so T is all that lies between the first "T = " and the last character, whatever it
/// holds itself (a ';' or ']' in a template argument).
constexpr std::string_view name_in_signature(std::string_view f) noexcept {
  const std::size_t start = f.find("T = ") + 4;
  return f.substr(start, f.size() - 1 - start);
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

/// The orders C declares: a type_list of after_t<P, Why>, one per class taken before C:
/// its after<> list and, for each hierarchy C is in<>, the previous step's class with the
/// reason of C's step, in the order LOCKORDER_CLASS lists them.
template <lock_class C>
using declared_after_t =
    typename std::remove_cv_t<decltype(C::lockorder_spec)>::template after_list<C>;

}  // namespace lockorder
