// lockorder/detail/meta.hpp — held-set entries and the compile-time order check.
// Internal: not a stable interface.
#pragma once

#include <lockorder/detail/order.hpp>
#include <lockorder/lock_class.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace lockorder {

// Entries of a context's held set. A plain class means "held exclusively"; these
// wrappers mark the other ways of holding it. They are never defined: they only name.
template <class E> struct shared;               ///< held shared (reader)
template <class E> struct tried;                ///< taken by try_lock: no order check on entry
template <class E, unsigned N> struct nested;   ///< held as nesting subclass N
/// Not a held lock but a bound (context_before<C>): every class held may precede C, so
/// C, and what is ordered after C, may be taken; nothing else.
template <class C> struct before;

namespace detail {

template <class E>
struct entry_traits {
  using class_type = E;
  static constexpr unsigned subclass = 0;
  static constexpr bool is_shared = false;
  static constexpr bool is_try = false;
  static constexpr bool is_before = false;
};
template <class E>
struct entry_traits<shared<E>> : entry_traits<E> {
  static constexpr bool is_shared = true;
};
template <class E>
struct entry_traits<tried<E>> : entry_traits<E> {
  static constexpr bool is_try = true;
};
template <class E, unsigned N>
struct entry_traits<nested<E, N>> : entry_traits<E> {
  static constexpr unsigned subclass = N;
};

template <class C>
struct entry_traits<before<C>> : entry_traits<C> {
  static constexpr bool is_before = true;
};

template <class E> using entry_class_t = typename entry_traits<E>::class_type;

template <std::size_t I, class... T>
using type_at_t = std::tuple_element_t<I, std::tuple<T...>>;

enum class check_kind {
  ok,
  order,           // levels
  declared_order,  // a declared (after<>) order, possibly transitive
  same_class,
  subclass_order,
  subclass_range,
  declared_cycle,  // the acquired class's declared orders form a cycle
  declared_levels,  // one of its declared orders contradicts the levels
  not_after_bound,  // context_before<C>: the class is neither C nor ordered after C
  not_held,         // context_at<C>: C is not held (in that mode)
  not_innermost     // context_at<C>: a held class is not ordered before C
};

struct check_result {
  check_kind kind = check_kind::ok;
  std::size_t index = 0;  // the held entry that conflicts
};

// One held entry as the check sees it: its class's node and facts, its nesting
// subclass, and whether it is a context_before<> bound rather than a held lock.
struct held_facts {
  const class_node* node;
  const class_facts* facts;
  unsigned subclass;
  bool before;
  bool shared;
};

/// Is class `x` (facts `xf`) ordered after class `c` at compile time: both ranked with
/// c's level lower, or c declared (after<>, transitively) before x?
constexpr bool ordered_after(const class_node* x, const class_facts* xf, const class_node* c) {
  return (x->ranked && c->ranked && c->level < x->level) || declared_in(xf, c);
}

/// Does taking `e` (facts `ef`, subclass `esub`) make held entry `h` redundant for every
/// later check, so that a context need not list it? True when whatever `h` would reject,
/// `e` rejects too: the same class at a lower subclass; a bound `e` satisfies; or a class
/// ordered before `e` whose own level and declared orders `e` implies. This is what keeps
/// a context's type to the innermost class of an ordered chain (netstack3's Locked<L>),
/// so the number of context types is bounded by classes, not by paths
/// (docs/concepts.md#what-a-context-lists).
constexpr bool dominates(const class_node* e, const class_facts* ef, unsigned esub,
                         const held_facts& h) {
  if (h.before) return h.node == e || ordered_after(e, ef, h.node);
  if (h.node == e) return esub > h.subclass;
  const bool by_level = e->ranked && h.node->ranked && h.node->level < e->level;
  if (h.node->ranked && !by_level) return false;  // e would not keep h's level check
  if (declared_in(ef, h.node)) return true;        // e's closure holds h's (transitive)
  if (!by_level) return false;
  for (const class_node* const* p = h.facts->closure; *p; ++p)  // empty for most classes
    if (!declared_in(ef, *p)) return false;
  return true;
}

/// Can class node `c`, as nesting subclass `sub`, be acquired while held[0..n) are held?
/// Ranked classes need a level strictly above every held ranked level; the same class
/// again needs a strictly higher nesting subclass; and no held class may be declared
/// (after<>, transitively) to come after it. Classes that neither levels nor declared
/// orders relate are not checked here: their order is the run-time layer's job.
/// Not a template: every acquisition shares this one function (compile time is a feature).
constexpr check_result check_nodes(const class_node* c, const class_facts* cf, unsigned sub,
                                   const held_facts* held, std::size_t n) {
  if (sub >= LOCKORDER_MAX_SUBCLASSES) return {check_kind::subclass_range, 0};
  if (cf->in_cycle) return {check_kind::declared_cycle, 0};
  if (cf->contradicts_levels) return {check_kind::declared_levels, 0};
  check_result declared{};
  check_result worst{};
  level_t worst_level = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const held_facts& h = held[i];
    if (h.before) {
      if (h.node != c && !ordered_after(c, cf, h.node) && worst.kind == check_kind::ok)
        worst = {check_kind::not_after_bound, i};
      continue;
    }
    if (h.node == c) {
      if (worst.kind == check_kind::ok || worst.kind == check_kind::order) {
        if (h.subclass == sub)
          worst = {check_kind::same_class, i};
        else if (h.subclass > sub)
          worst = {check_kind::subclass_order, i};
      }
      continue;
    }
    if (c->ranked && h.node->ranked && h.node->level >= c->level &&
        (worst.kind == check_kind::ok ||
         (worst.kind == check_kind::order && h.node->level > worst_level))) {
      worst = {check_kind::order, i};
      worst_level = h.node->level;
    }
    if (declared.kind == check_kind::ok && declared_in(h.facts, c))
      declared = {check_kind::declared_order, i};
  }
  return worst.kind == check_kind::ok ? declared : worst;
}

template <class... Held>
inline constexpr held_facts held_facts_v[sizeof...(Held) + 1] = {
    {&node_v<entry_class_t<Held>>, facts_v<entry_class_t<Held>>, entry_traits<Held>::subclass,
     entry_traits<Held>::is_before, entry_traits<Held>::is_shared}...,
    {nullptr, nullptr, 0, false, false}};

/// The check of entry E (class, subclass, mode) against the held set Held.
template <class E, class... Held>
inline constexpr check_result check_v =
    check_nodes(&node_v<entry_class_t<E>>, facts_v<entry_class_t<E>>, entry_traits<E>::subclass,
                held_facts_v<Held...>, sizeof...(Held));

template <class E, class... Held>
consteval check_result check_acquire() {
  return check_v<E, Held...>;
}

// What a context lists after entry E is taken: the entries E does not dominate, then E.
// step_v<E, Held...> is the check and that selection in one constant evaluation per
// acquisition (bit i of keep: Held[i] stays; an entry equal to E goes).
struct step_result {
  check_result check;
  unsigned long long keep;
};
constexpr step_result step_nodes(const class_node* c, const class_facts* cf, unsigned sub,
                                 bool shared, const held_facts* held, std::size_t n) {
  step_result r{check_nodes(c, cf, sub, held, n), 0};
  for (std::size_t i = 0; i < n; ++i) {
    const held_facts& h = held[i];
    const bool same = !h.before && h.node == c && h.subclass == sub && h.shared == shared;
    if (!same && !dominates(c, cf, sub, h)) r.keep |= 1ull << i;
  }
  return r;
}
template <class E, class... Held>
  requires(sizeof...(Held) < 64)  // a context lists at most 63 unordered classes
inline constexpr step_result step_v =
    step_nodes(&node_v<entry_class_t<E>>, facts_v<entry_class_t<E>>, entry_traits<E>::subclass,
               entry_traits<E>::is_shared, held_facts_v<Held...>, sizeof...(Held));

template <class... Lists> struct join { using type = type_list<>; };
template <class... A> struct join<type_list<A...>> { using type = type_list<A...>; };
template <class... A, class... B, class... Rest>
struct join<type_list<A...>, type_list<B...>, Rest...> : join<type_list<A..., B...>, Rest...> {};

template <class E, class Index, class... Held> struct push_impl;
template <class E, std::size_t... I, class... Held>
struct push_impl<E, std::index_sequence<I...>, Held...> {
  using type = typename join<std::conditional_t<(step_v<E, Held...>.keep >> I) & 1,
                                                type_list<Held>, type_list<>>...,
                             type_list<E>>::type;
};
/// The held list after taking E while Held... are listed, as a type_list.
template <class E, class... Held>
struct push : push_impl<E, std::index_sequence_for<Held...>, Held...> {};
template <class E>
struct push<E> {
  using type = type_list<E>;
};
// The commonest step, a plain lock() of a ranked class without after<> declarations while
// one such class is listed, needs no constant evaluation: the levels decide both the
// check and what stays listed (compile time is a feature: most acquisitions are these).
template <class E>
inline constexpr bool plain_ranked_v = false;
template <class C>
  requires requires { C::lockorder_level; }  // a class, not shared<>, tried<>, nested<>...
inline constexpr bool plain_ranked_v<C> =
    C::lockorder_level.ranked && std::is_same_v<declared_after_t<C>, type_list<>>;
template <class E, class H, bool Plain = plain_ranked_v<E> && plain_ranked_v<H>>
struct pair_step {
  static constexpr bool ok = step_v<E, H>.check.kind == check_kind::ok;
  static constexpr bool keep = step_v<E, H>.keep != 0;
};
template <class E, class H>
struct pair_step<E, H, true> {
  static constexpr bool ok = H::lockorder_level.value < E::lockorder_level.value;
  static constexpr bool keep = !ok;
};

template <class E, class H>  // the common case: one entry, ordered before E or not
struct push<E, H> {
  using type = std::conditional_t<pair_step<E, H>::keep, type_list<H, E>, type_list<E>>;
};

/// Can a context listing held[0..n) become context_at<c> (held exclusively or shared as
/// `shared`, subclass `sub`)? c must be listed in that mode, and every other entry must
/// be one c dominates (ordered before c). Not a template, like check_nodes.
constexpr check_result check_at(const class_node* c, const class_facts* cf, unsigned sub,
                                bool shared, const held_facts* held, std::size_t n) {
  bool found = false;
  check_result r{};
  for (std::size_t i = 0; i < n; ++i) {
    const held_facts& h = held[i];
    if (!h.before && h.node == c)  // held in another mode: not what the callee needs
      found = found || (h.shared == shared && h.subclass <= sub);
    else if (r.kind == check_kind::ok && (h.before || !dominates(c, cf, sub, h)))
      r = {check_kind::not_innermost, i};
  }
  return found ? r : check_result{check_kind::not_held, n ? n - 1 : 0};
}
template <class E, class... Held>
inline constexpr check_result check_at_v =
    check_at(&node_v<entry_class_t<E>>, facts_v<entry_class_t<E>>, entry_traits<E>::subclass,
             entry_traits<E>::is_shared, held_facts_v<Held...>, sizeof...(Held));

/// The check's verdict: what the acquisition paths test before they instantiate any
/// diagnostic (a variable, not a call: no function per acquisition).
template <class E, class... Held>
inline constexpr bool acquire_ok_v = step_v<E, Held...>.check.kind == check_kind::ok;
template <class E, class H>
inline constexpr bool acquire_ok_v<E, H> = pair_step<E, H>::ok;
template <class E>
inline constexpr bool acquire_ok_v<E> = plain_ranked_v<E> || step_v<E>.check.kind == check_kind::ok;

/// Every held ranked level below (Below) or above (!Below) the class's level: a fold,
/// tested before find_level_conflict() is instantiated to name the culprit.
template <bool Below, class W, class... Held>
inline constexpr bool wait_ok_v =
    !is_ranked_v<W> ||
    ((!is_ranked_v<entry_class_t<Held>> ||
      (Below ? level_v<entry_class_t<Held>> < level_v<W>
             // a context_before<C> bound says nothing of how low the held levels are
             : !entry_traits<Held>::is_before && level_v<entry_class_t<Held>> > level_v<W>)) &&
     ...);

/// Every held ranked level below (Below) or above (!Below) the class's level.
/// Returns the index of the first held entry that breaks it, or sizeof...(Held).
template <bool Below, class W, class... Held>
consteval std::size_t find_level_conflict() {
  std::size_t i = 0, found = sizeof...(Held);
  auto visit = [&]<class H>() {
    using HC = entry_class_t<H>;
    if constexpr (is_ranked_v<W> && is_ranked_v<HC>) {
      bool ok = Below ? level_v<HC> < level_v<W>
                      : !entry_traits<H>::is_before && level_v<HC> > level_v<W>;
      if (!ok && found == sizeof...(Held)) found = i;
    }
    ++i;
  };
  (visit.template operator()<Held>(), ...);
  (void)visit;
  return found;
}

}  // namespace detail
}  // namespace lockorder
