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

/// Can entry E (class, subclass, mode) be acquired while Held... are held?
/// Ranked classes need a level strictly above every held ranked level; the same class
/// again needs a strictly higher nesting subclass; and no held class may be declared
/// (after<>, transitively) to come after it. Classes that neither levels nor declared
/// orders relate are not checked here: their order is the run-time layer's job.
// The facts a check needs about each held entry, as arrays built by pack expansion: one
// instantiation per check instead of one per held entry (compile time is a feature).
template <class C, class... Held>
struct held_facts {
  static constexpr std::size_t n = sizeof...(Held);
  static constexpr bool same[n + 1] = {std::is_same_v<entry_class_t<Held>, C>..., false};
  static constexpr unsigned subclass[n + 1] = {entry_traits<Held>::subclass..., 0};
  static constexpr bool ranked[n + 1] = {is_ranked_v<entry_class_t<Held>>..., false};
  static constexpr level_t level[n + 1] = {level_v<entry_class_t<Held>>..., 0};
  static constexpr bool declared_after[n + 1] = {declared_before_v<C, entry_class_t<Held>>...,
                                                 false};
};

template <class E, class... Held>
consteval check_result check_acquire() {
  using T = entry_traits<E>;
  using C = typename T::class_type;
  if (T::subclass >= LOCKORDER_MAX_SUBCLASSES) return {check_kind::subclass_range, 0};
  if (in_declared_cycle_v<C>) return {check_kind::declared_cycle, 0};
  if (!std::is_void_v<level_conflict_t<C>>) return {check_kind::declared_levels, 0};
  using F = held_facts<C, Held...>;
  check_result declared{};
  check_result worst{};
  level_t worst_level = 0;
  for (std::size_t i = 0; i < F::n; ++i) {
    if (F::same[i]) {
      if (worst.kind == check_kind::ok || worst.kind == check_kind::order) {
        if (F::subclass[i] == T::subclass)
          worst = {check_kind::same_class, i};
        else if (F::subclass[i] > T::subclass)
          worst = {check_kind::subclass_order, i};
      }
      continue;
    }
    if (is_ranked_v<C> && F::ranked[i] && F::level[i] >= level_v<C> &&
        (worst.kind == check_kind::ok ||
         (worst.kind == check_kind::order && F::level[i] > worst_level))) {
      worst = {check_kind::order, i};
      worst_level = F::level[i];
    }
    if (F::declared_after[i] && declared.kind == check_kind::ok)
      declared = {check_kind::declared_order, i};
  }
  return worst.kind == check_kind::ok ? declared : worst;
}

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
