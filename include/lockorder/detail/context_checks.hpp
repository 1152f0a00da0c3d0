// lockorder/detail/context_checks.hpp — what contexts (context.hpp) check at compile
// time, and the one error each check raises: the order traits over a context's held list,
// lock_all()'s group order, and the diagnose_*() functions. Internal: not a stable
// interface.
//
// The diagnose_*() functions are never called: LOCKORDER_DIAGNOSE asks for the type of a
// call, which instantiates the body to deduce it, and so raises its one error, while
// nothing is emitted (at -O0 a call would be one more function per acquisition; compile
// time is a feature).
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/diagnostic_table.hpp>
#include <lockorder/detail/diagnostics.hpp>
#include <lockorder/detail/meta.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

// Raises the one error of a diagnose function without calling it (see above). Used here
// and in context.hpp, which undefines it at its end.
#define LOCKORDER_DIAGNOSE(...) static_assert(sizeof(decltype(__VA_ARGS__)*) != 0)

LOCKORDER_NAMESPACE_BEGIN

template <class... Held> class context;
template <class Lock, class... Held> class guard;
template <class Locks, class... Held> class group_guard;

namespace impl {
using namespace ::lockorder::detail;

template <class T> struct is_context : std::false_type {};
template <class... H> struct is_context<context<H...>> : std::true_type {};

template <class T, class Class>
struct holds_class;
template <class... H, class Class>
struct holds_class<context<H...>, Class>
    : std::bool_constant<(std::is_same_v<entry_class_t<H>, Class> || ...)> {};

template <class T, class Class>
struct holds_exclusive;
template <class... H, class Class>
struct holds_exclusive<context<H...>, Class>
    : std::bool_constant<((std::is_same_v<entry_class_t<H>, Class> &&
                           !entry_traits<H>::is_shared) ||
                          ...)> {};

template <class T, class E>
struct acquire_ok;
template <class... H, class E>
struct acquire_ok<context<H...>, E>
    : std::bool_constant<acquire_ok_v<E, H...>> {};

// The context type a (possibly derived) object presents.
template <class... H> context<H...> as_context(const context<H...>&);
template <class T>
using context_of_t = decltype(as_context(std::declval<const std::remove_cvref_t<T>&>()));

// Raises the one compile error that explains why E may not be taken while Held are.
template <class E, class... Held>
constexpr auto diagnose_acquire() {
  using C = entry_class_t<E>;
  constexpr check_result r = check_acquire<E, Held...>();
  // A nesting subclass taken again is reported as such: "class already held, use
  // lock_nested" would not help someone who already did.
  constexpr check_kind kind = r.kind == check_kind::same_class && entry_traits<E>::subclass != 0
                                  ? check_kind::subclass_order
                                  : r.kind;
  if constexpr (kind == check_kind::order) {
    using H = entry_class_t<type_at_t<r.index, Held...>>;
    diagnostic::lock_order_violation<acquiring<C, level_v<C>>, while_holding<H, level_v<H>>>();
  } else if constexpr (kind == check_kind::same_class) {
    diagnostic::same_class_twice<acquiring_class<C>, already_holding<C>>();
  } else if constexpr (kind == check_kind::subclass_order) {
    constexpr unsigned held_sub = entry_traits<type_at_t<r.index, Held...>>::subclass;
    diagnostic::nesting_subclass_order<acquiring_subclass<C, entry_traits<E>::subclass>, while_holding_subclass<C, held_sub>>();
  } else if constexpr (kind == check_kind::subclass_range) {
    diagnostic::nesting_subclass_out_of_range<acquiring_subclass<C, entry_traits<E>::subclass>, subclasses_allowed<LOCKORDER_MAX_SUBCLASSES>>();
  } else if constexpr (kind == check_kind::declared_order) {
    using H = entry_class_t<type_at_t<r.index, Held...>>;
    diagnostic::declared_order_violation<acquiring_class<C>, while_holding_class<H>, declared<H, first_hop_t<C, H>>>();
  } else if constexpr (kind == check_kind::declared_cycle) {
    diagnostic::declared_order_cycle<cycle_members_t<C>>();
  } else if constexpr (kind == check_kind::not_after_bound) {
    using B = entry_class_t<type_at_t<r.index, Held...>>;
    diagnostic::outside_context_before_bound<acquiring_class<C>, bound_before<B>>();
  } else if constexpr (kind == check_kind::declared_levels) {
    using A = level_conflict_t<C>;
    diagnostic::declared_order_contradicts_levels<declared<C, A>, levels<level_v<typename A::class_type>, level_v<C>>>();
  }
}

template <bool Wait, class W, class... Held>
constexpr auto diagnose_wait() {
  constexpr std::size_t i = find_level_conflict<Wait, W, Held...>();
  if constexpr (i < sizeof...(Held)) {
    using H = entry_class_t<type_at_t<i, Held...>>;
    if constexpr (Wait) {
      diagnostic::wait_while_holding_higher_lock<waiting_on<W, level_v<W>>, while_holding<H, level_v<H>>>();
    } else {
      diagnostic::complete_while_holding_lower_lock<completing<W, level_v<W>>, while_holding<H, level_v<H>>>();
    }
  }
}

// The lock types an acquisition accepts (a shared one needs a shared_mutex). A plain
// trait, so testing it never evaluates a deleted carrier (GCC would add an error).
template <class L, bool Shared>
concept acceptable_lock =
    lockorder_lock<L> && (!Shared || requires { requires L::lockorder_shared; });

// Raises the one compile error that explains why L is not acceptable_lock<L, Shared>.
template <class L, bool Shared>
constexpr auto diagnose_lock_type() {
  if constexpr (!lockorder_lock<L>) {
    diagnostic::not_a_lockorder_lock<argument_type<L>>();
  } else if constexpr (Shared && !L::lockorder_shared) {
    diagnostic::lock_shared_needs_a_shared_mutex<argument_type<L>>();
  }
}

// Index of the first false in Ok..., or sizeof...(Ok): lock_all() reports one lock only.
template <bool... Ok>
consteval std::size_t first_false() {
  constexpr bool ok[] = {Ok...};
  std::size_t i = 0;
  while (i < sizeof...(Ok) && ok[i]) ++i;
  return i;
}

template <class L> struct lock_class_of { using type = void; };
template <lockorder_lock L> struct lock_class_of<L> { using type = typename L::class_type; };
template <class L> using lock_class_t = typename lock_class_of<std::remove_cvref_t<L>>::type;

// The last type of a pack: a comma fold, no recursive instantiation.
template <class... T>
using last_t = typename decltype((std::type_identity<T>{}, ...))::type;

// The guard type for lock type L over a held list (a type_list from push<>).
template <class L, class List> struct guard_for;
template <class L, class... S> struct guard_for<L, type_list<S...>> { using type = guard<L, S...>; };
template <class L, class List> using guard_for_t = typename guard_for<L, List>::type;

// lock_all()'s order between the classes of a group: a declared order (after<>, a
// hierarchy) first, then levels; two ranked classes of one level go by address. A pair
// neither declares nor ranks cannot be ordered (the error names the group's classes).
template <class A, class B>
inline constexpr bool group_before_v =
    !std::is_same_v<A, B> &&
    (declared_before_v<A, B> || (!declared_before_v<B, A> && is_ranked_v<A> && is_ranked_v<B> &&
                                 level_v<A> < level_v<B>));
template <class A, class B>
inline constexpr bool group_orderable_v =
    std::is_same_v<A, B> || (is_ranked_v<A> && is_ranked_v<B>) || declared_before_v<A, B> ||
    declared_before_v<B, A>;
template <class... C>
inline constexpr bool group_unorderable_v = false;
template <class First, class... C>
inline constexpr bool group_unorderable_v<First, C...> =
    !((group_orderable_v<First, C> && ...) && !group_unorderable_v<C...>);
/// C's place in a group of classes All...: how many of them lock_all() takes before it.
template <class C, class... All>
inline constexpr std::size_t group_rank_v = (std::size_t{0} + ... + group_before_v<All, C>);

// The held list after a group (lock_all, lock_fields) of entries E... is taken: the held
// entries no member dominates, then every member (a group guard lists its whole group).
template <class List, class... E> struct push_all;
template <class... H, class... E>
struct push_all<type_list<H...>, E...> {
  static constexpr unsigned long long keep = (~0ull & ... & step_v<E, H...>.keep);
  template <std::size_t... I>
  static auto select(std::index_sequence<I...>)
      -> join<std::conditional_t<(keep >> I) & 1, type_list<H>, type_list<>>..., type_list<E...>>;
  using type = typename decltype(select(std::index_sequence_for<H...>{}))::type;
};
template <class Locks, class List> struct group_for;
template <class Locks, class... S>
struct group_for<Locks, type_list<S...>> { using type = group_guard<Locks, S...>; };
template <class... Held, class... L>
auto make_group_type(context<Held...>*, std::tuple<L&...>*)
    -> typename group_for<std::tuple<L&...>,
                          typename push_all<type_list<Held...>, lock_class_t<L>...>::type>::type;
template <class Ctx, class... L>
using group_for_t = decltype(make_group_type(static_cast<Ctx*>(nullptr),
                                             static_cast<std::tuple<L&...>*>(nullptr)));

// Raises the one error that explains why a context listing Held... is not a
// context_at<E>: E is not held (in that mode), or another held class is not before it.
// The class a context lists last (what the error names), or nothing_held.
template <class... H> struct innermost_class { using type = nothing_held; };
template <class H0, class... H>
struct innermost_class<H0, H...> { using type = entry_class_t<type_at_t<sizeof...(H), H0, H...>>; };

template <class C, class... Held>
constexpr auto diagnose_not_held() {
  using H = typename innermost_class<Held...>::type;
  diagnostic::context_at_class_not_held<callee_needs_held<C>, innermost_held<H>>();
}
template <class E, class... Held>
constexpr auto diagnose_at() {
  constexpr check_result r = check_at_v<E, Held...>;
  if constexpr (r.kind == check_kind::not_held) {
    diagnose_not_held<entry_class_t<E>, Held...>();
  } else {
    using H = entry_class_t<type_at_t<r.index, Held...>>;
    diagnostic::context_at_not_innermost<callee_needs_held<entry_class_t<E>>, also_holding<H>>();
  }
}

// Raises the one error that explains why a context listing Held... is not a
// context_before<C>: C may not be taken while one of them is held.
template <class C, class... Held>
constexpr auto diagnose_before() {
  constexpr check_result r = check_v<C, Held...>;
  if constexpr (r.kind == check_kind::declared_cycle || r.kind == check_kind::declared_levels ||
                r.kind == check_kind::subclass_range) {
    diagnose_acquire<C, Held...>();  // C's own declarations are wrong: say that
  } else {
    using H = entry_class_t<type_at_t<r.index, Held...>>;
    diagnostic::context_before_violated<callee_may_take<C>, while_holding_class<H>>();
  }
}

// holding<Ctx, C> as a requirement: false only after raising the error that names C.
template <class Ctx, class Class> struct holding_check;
template <class... H, class Class>
struct holding_check<context<H...>, Class> {
  static constexpr bool held = holds_class<context<H...>, Class>::value;
  static constexpr bool value = [] {
    if constexpr (!held) LOCKORDER_DIAGNOSE(diagnose_not_held<Class, H...>());
    return held;
  }();
};

}  // namespace impl

LOCKORDER_NAMESPACE_END
