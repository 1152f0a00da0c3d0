// lockorder/detail/order.hpp — declared orders at compile time: the transitive closure
// of the `after` lists, cycle detection, and the hop that explains a violation.
// Internal: not a stable interface.
//
// Cost: one closure per class that is held somewhere, computed once per translation
// unit (template instantiation memoizes it); a check is then a pack expansion.
#pragma once

#include <lockorder/lock_class.hpp>

#include <type_traits>

namespace lockorder {
template <class... Classes> struct classes_on_the_cycle;  // names a cycle in error messages
}

namespace lockorder::detail {

template <class T, class List> struct contains;
template <class T, class... L>
struct contains<T, type_list<L...>> : std::bool_constant<(std::is_same_v<T, L> || ...)> {};
template <class T, class List>
inline constexpr bool contains_v = contains<T, List>::value;

template <class A, class B> struct concat;
template <class... A, class... B>
struct concat<type_list<A...>, type_list<B...>> { using type = type_list<A..., B...>; };

template <class List> struct classes_of;
template <class... A>
struct classes_of<type_list<A...>> { using type = type_list<typename A::class_type...>; };

/// The classes C declares directly before it.
template <class C>
using preds_t = typename classes_of<declared_after_t<C>>::type;

// Breadth-first over `after` lists, with a visited list: terminates on cycles.
template <class Visited, class Frontier> struct closure_walk;
template <class... V>
struct closure_walk<type_list<V...>, type_list<>> { using type = type_list<V...>; };
template <bool Seen, class Visited, class F, class Rest> struct closure_step;
template <class... V, class F, class... R>
struct closure_step<true, type_list<V...>, F, type_list<R...>>
    : closure_walk<type_list<V...>, type_list<R...>> {};
template <class... V, class F, class... R>
struct closure_step<false, type_list<V...>, F, type_list<R...>>
    : closure_walk<type_list<V..., F>, typename concat<type_list<R...>, preds_t<F>>::type> {};
template <class... V, class F, class... R>
struct closure_walk<type_list<V...>, type_list<F, R...>>
    : closure_step<(std::is_same_v<F, V> || ...), type_list<V...>, F, type_list<R...>> {};

/// Every class declared (transitively) before C. Contains C itself only on a cycle.
template <class C>
using closure_t = typename closure_walk<type_list<>, preds_t<C>>::type;

/// X is declared, directly or through others, to be acquired before H.
template <class X, class H>
inline constexpr bool declared_before_v = contains_v<X, closure_t<H>>;

template <class C>
inline constexpr bool in_declared_cycle_v = contains_v<C, closure_t<C>>;

// The classes on C's declared cycles: those of C's closure that reach C back.
template <class C, class List> struct cycle_members;
template <class C, class... L>
struct cycle_members<C, type_list<L...>> {
  template <class Y>
  using keep = std::conditional_t<contains_v<C, closure_t<Y>>, type_list<Y>, type_list<>>;
  template <class... Lists> struct join { using type = type_list<>; };
  template <class... A, class... Rest>
  struct join<type_list<A...>, Rest...> {
    using type = typename concat<type_list<A...>, typename join<Rest...>::type>::type;
  };
  using type = typename join<keep<L>...>::type;
};
template <class List> struct as_cycle;
template <class... L> struct as_cycle<type_list<L...>> { using type = classes_on_the_cycle<L...>; };
template <class C>
using cycle_members_t = typename as_cycle<typename cycle_members<C, closure_t<C>>::type>::type;

// The declaration of H through which X is declared before it: the first `after` of H
// whose class is X or reaches back to X.
template <class X, class List> struct first_hop { using type = void; };
template <class X, class A, class... R>
struct first_hop<X, type_list<A, R...>>
    : std::conditional<std::is_same_v<typename A::class_type, X> ||
                           declared_before_v<X, typename A::class_type>,
                       A, typename first_hop<X, type_list<R...>>::type> {};
template <class X, class H>
using first_hop_t = typename first_hop<X, declared_after_t<H>>::type;

// A declaration `after<P>` in C that contradicts the levels (both ranked, P not lower).
template <class C, class List> struct level_conflict { using type = void; };
template <class C, class A, class... R>
struct level_conflict<C, type_list<A, R...>>
    : std::conditional<is_ranked_v<C> && is_ranked_v<typename A::class_type> &&
                           level_v<typename A::class_type> >= level_v<C>,
                       A, typename level_conflict<C, type_list<R...>>::type> {};
template <class C>
using level_conflict_t = typename level_conflict<C, declared_after_t<C>>::type;

}  // namespace lockorder::detail
