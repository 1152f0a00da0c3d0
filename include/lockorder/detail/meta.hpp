// lockorder/detail/meta.hpp — held-set entries and the compile-time order check.
// Internal: not a stable interface.
#pragma once

#include <lockorder/detail/order.hpp>
#include <lockorder/lock_class.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>

namespace lockorder {

// Entries of a context's held set. A plain class means "held exclusively"; these
// wrappers mark the other ways of holding it. They are never defined: they only name.
template <class E> struct shared;               ///< held shared (reader)
template <class E> struct tried;                ///< taken by try_lock: no order check on entry
template <class E, unsigned N> struct nested;   ///< held as nesting subclass N

namespace detail {

template <class E>
struct entry_traits {
  using class_type = E;
  static constexpr unsigned subclass = 0;
  static constexpr bool is_shared = false;
  static constexpr bool is_try = false;
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
  declared_levels  // one of its declared orders contradicts the levels
};

struct check_result {
  check_kind kind = check_kind::ok;
  std::size_t index = 0;  // the held entry that conflicts
};

// One held entry as the check sees it: its class's node and facts, and its nesting
// subclass.
struct held_entry {
  const class_node* node;
  const class_facts* facts;
  unsigned subclass;
};

/// Can class node `c`, as nesting subclass `sub`, be acquired while held[0..n) are held?
/// Ranked classes need a level strictly above every held ranked level; the same class
/// again needs a strictly higher nesting subclass; and no held class may be declared
/// (after<>, transitively) to come after it. Classes that neither levels nor declared
/// orders relate are not checked here: their order is the run-time layer's job.
/// Not a template: every acquisition shares this one function (compile time is a feature).
constexpr check_result check_nodes(const class_node* c, const class_facts* cf, unsigned sub,
                                   const held_entry* held, std::size_t n) {
  if (sub >= LOCKORDER_MAX_SUBCLASSES) return {check_kind::subclass_range, 0};
  if (cf->in_cycle) return {check_kind::declared_cycle, 0};
  if (cf->contradicts_levels) return {check_kind::declared_levels, 0};
  check_result declared{};
  check_result worst{};
  level_t worst_level = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const held_entry& h = held[i];
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
inline constexpr held_entry held_entries_v[sizeof...(Held) + 1] = {
    {&node_v<entry_class_t<Held>>, facts_v<entry_class_t<Held>>, entry_traits<Held>::subclass}...,
    {nullptr, nullptr, 0}};

/// The check of entry E (class, subclass, mode) against the held set Held.
template <class E, class... Held>
inline constexpr check_result check_v =
    check_nodes(&node_v<entry_class_t<E>>, facts_v<entry_class_t<E>>, entry_traits<E>::subclass,
                held_entries_v<Held...>, sizeof...(Held));

template <class E, class... Held>
consteval check_result check_acquire() {
  return check_v<E, Held...>;
}

/// The check's verdict: what the acquisition paths test before they instantiate any
/// diagnostic (a variable, not a call: no function per acquisition).
template <class E, class... Held>
inline constexpr bool acquire_ok_v = check_v<E, Held...>.kind == check_kind::ok;

/// Every held ranked level below (Below) or above (!Below) the class's level: a fold,
/// tested before find_level_conflict() is instantiated to name the culprit.
template <bool Below, class W, class... Held>
inline constexpr bool wait_ok_v =
    !is_ranked_v<W> ||
    ((!is_ranked_v<entry_class_t<Held>> ||
      (Below ? level_v<entry_class_t<Held>> < level_v<W>
             : level_v<entry_class_t<Held>> > level_v<W>)) &&
     ...);

/// Every held ranked level below (Below) or above (!Below) the class's level.
/// Returns the index of the first held entry that breaks it, or sizeof...(Held).
template <bool Below, class W, class... Held>
consteval std::size_t find_level_conflict() {
  std::size_t i = 0, found = sizeof...(Held);
  auto visit = [&]<class H>() {
    using HC = entry_class_t<H>;
    if constexpr (is_ranked_v<W> && is_ranked_v<HC>) {
      bool ok = Below ? level_v<HC> < level_v<W> : level_v<HC> > level_v<W>;
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
