// lockorder/aggregate.hpp — a struct of locks as a hierarchy: lock_fields() takes its
// fields in field order, name_fields() names them in run-time reports.
//
// The order of the fields is the order of their classes. Where two fields are ranked,
// their levels must agree with it; where a declared order (after<>) relates their
// classes, it must agree too. Unranked fields get their order from the struct alone: a
// hierarchy without numbers. Fields are reflected with Boost.PFR and named by index
// (PFR 1.81 has no field names). Example: examples/080-aggregates.cpp; rules:
// docs/concepts.md#aggregates.
//
// Cost: every check is compile time, O(fields²) instantiations per aggregate type.
// lock_fields() costs what the same nested lock() calls cost. name_fields() takes the
// validator's lock once per field (call it once per object), nothing with
// LOCKORDER_RUNTIME=0.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/context.hpp>
#include <lockorder/detail/diagnostics.hpp>
#include <lockorder/detail/meta.hpp>
#include <lockorder/detail/order.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <source_location>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

LOCKORDER_NAMESPACE_BEGIN

namespace impl {
using namespace ::lockorder::detail;

template <class T, std::size_t I>
using field_t = std::remove_cv_t<boost::pfr::tuple_element_t<I, T>>;
template <class T, std::size_t I>
using field_class_t = typename field_t<T, I>::class_type;

// What PFR can reflect without a static_assert of its own (but an aggregate with a base
// class still trips PFR's "inherited types are not supported").
template <class T>
inline constexpr bool reflectable_v = std::is_class_v<T> && std::is_aggregate_v<T>;

template <class T, bool = reflectable_v<T>>
struct fields_of {
  static constexpr std::size_t count = 0;
  static constexpr std::size_t first_non_lock = 0;
};
template <class T>
struct fields_of<T, true> {
  static constexpr std::size_t count = boost::pfr::tuple_size_v<T>;
  static constexpr std::size_t first_non_lock = []<std::size_t... I>(std::index_sequence<I...>) {
    constexpr std::array<bool, sizeof...(I)> ok{lockorder_lock<field_t<T, I>>...};
    std::size_t i = 0;
    while (i < ok.size() && ok[i]) ++i;
    return i;
  }(std::make_index_sequence<count>{});
};

// What can be wrong with a lock_fields() call, in the order it is checked.
enum class fields_problem {
  none,
  not_aggregate,    // first: the struct
  not_a_lock,       // first: the field
  indices,          // the selection
  same_class,       // first, second: two fields of the struct
  levels,
  declared,
  held,             // first: selected field that cannot follow the held set (check_acquire)
  held_later_field  // first: selected field; second: a later field whose class is held
};

struct fields_check {
  fields_problem kind = fields_problem::none;
  std::size_t first = 0;
  std::size_t second = 0;
};

// Fields I and J against the field order (a problem only where I < J).
template <class T, std::size_t I, std::size_t J>
consteval fields_problem pair_problem() {
  using A = field_class_t<T, I>;
  using B = field_class_t<T, J>;
  if constexpr (I >= J) return fields_problem::none;
  else if constexpr (std::is_same_v<A, B>) return fields_problem::same_class;
  else if constexpr (is_ranked_v<A> && is_ranked_v<B> && level_v<A> >= level_v<B>)
    return fields_problem::levels;
  else if constexpr (declared_before_v<B, A>) return fields_problem::declared;
  else return fields_problem::none;
}

// The first pair of fields, by (I, J), that contradicts the field order.
template <class T>
consteval fields_check check_pairs() {
  constexpr std::size_t n = fields_of<T>::count;
  constexpr auto table = []<std::size_t... K>(std::index_sequence<K...>) {
    return std::array<fields_problem, n * n>{pair_problem<T, K / n, K % n>()...};
  }(std::make_index_sequence<n * n>{});
  for (std::size_t k = 0; k < table.size(); ++k)
    if (table[k] != fields_problem::none) return {table[k], k / n, k % n};
  return {};
}

template <class C, class... Held>
inline constexpr bool held_class_v = (std::is_same_v<entry_class_t<Held>, C> || ...);

// A later field of T (J > I) whose class is held, or the field count: taking field I
// then goes against the field order, ranked or not.
template <class T, std::size_t I, class... Held>
consteval std::size_t held_later_field() {
  constexpr std::size_t n = fields_of<T>::count;
  return []<std::size_t... J>(std::index_sequence<J...>) {
    constexpr std::array<bool, n> held{(J > I && held_class_v<field_class_t<T, J>, Held...>)...};
    std::size_t j = 0;
    while (j < n && !held[j]) ++j;
    return j;
  }(std::make_index_sequence<n>{});
}

template <std::size_t N, std::size_t... Sel>
consteval bool valid_selection() {
  constexpr std::array<std::size_t, sizeof...(Sel)> s{Sel...};
  for (std::size_t k = 0; k < s.size(); ++k)
    if (s[k] >= N || (k > 0 && s[k - 1] >= s[k])) return false;
  return true;
}

// The fields lock_fields<Sel...>() takes: Sel..., or every field when none is given.
template <class T, std::size_t... Sel>
using selection_t = std::conditional_t<sizeof...(Sel) == 0,
                                       std::make_index_sequence<fields_of<T>::count>,
                                       std::index_sequence<Sel...>>;

template <class T, class... Held, std::size_t... I>
consteval fields_check check_held(std::index_sequence<I...>) {
  constexpr std::size_t n = fields_of<T>::count;
  constexpr std::array<std::size_t, sizeof...(I)> index{I...};
  constexpr std::array<bool, sizeof...(I)> ok{acquire_ok<context<Held...>, field_class_t<T, I>>::value...};
  constexpr std::array<std::size_t, sizeof...(I)> later{held_later_field<T, I, Held...>()...};
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (!ok[k]) return {fields_problem::held, index[k], 0};
    if (later[k] < n) return {fields_problem::held_later_field, index[k], later[k]};
  }
  return {};
}

// Everything lock_fields<Sel...>(ctx, agg) checks, for a context holding Held...; the
// first problem found. Each step is instantiated only if the ones before it passed.
template <class T, class Ctx, std::size_t... Sel>
struct lock_fields_check;
template <class T, class... Held, std::size_t... Sel>
struct lock_fields_check<T, context<Held...>, Sel...> {
  static consteval fields_check run() {
    using F = fields_of<T>;
    if constexpr (F::count == 0) {
      return {fields_problem::not_aggregate, 0, 0};
    } else if constexpr (F::first_non_lock < F::count) {
      return {fields_problem::not_a_lock, F::first_non_lock, 0};
    } else if constexpr (!valid_selection<F::count, Sel...>()) {
      return {fields_problem::indices, 0, 0};
    } else if constexpr (check_pairs<T>().kind != fields_problem::none) {
      return check_pairs<T>();
    } else {
      return check_held<T, Held...>(selection_t<T, Sel...>{});
    }
  }
  static constexpr fields_check value = run();
};

// Raises the one compile error that explains the problem R of lock_fields<Sel...>().
template <class T, fields_check R, class... Held, std::size_t... Sel>
constexpr void diagnose_fields(std::index_sequence<Sel...>) {
  if constexpr (R.kind == fields_problem::not_aggregate) {
    diagnostic::not_an_aggregate_hierarchy<argument_type<T>>();
  } else if constexpr (R.kind == fields_problem::not_a_lock) {
    diagnostic::aggregate_field_not_a_lock<aggregate<T>, field_type<R.first, field_t<T, R.first>>>();
  } else if constexpr (R.kind == fields_problem::indices) {
    diagnostic::aggregate_field_indices<aggregate<T>, field_indices<Sel...>, field_count<fields_of<T>::count>>();
  } else if constexpr (R.kind == fields_problem::same_class) {
    using A = field_class_t<T, R.first>;
    diagnostic::aggregate_field_class_twice<aggregate<T>, field_class<R.first, A>, field_class<R.second, A>>();
  } else if constexpr (R.kind == fields_problem::levels) {
    using A = field_class_t<T, R.first>;
    using B = field_class_t<T, R.second>;
    diagnostic::aggregate_field_order<aggregate<T>, field<R.first, A, level_v<A>>, field<R.second, B, level_v<B>>>();
  } else if constexpr (R.kind == fields_problem::declared) {
    using A = field_class_t<T, R.first>;
    using B = field_class_t<T, R.second>;
    diagnostic::aggregate_field_declared_order<aggregate<T>, field_class<R.first, A>, field_class<R.second, B>, declared<A, first_hop_t<B, A>>>();
  } else if constexpr (R.kind == fields_problem::held) {
    using A = field_class_t<T, R.first>;
    constexpr check_result c = check_acquire<A, Held...>();
    if constexpr (c.kind == check_kind::order) {  // diagnose_acquire's error, naming the field
      using H = entry_class_t<type_at_t<c.index, Held...>>;
      diagnostic::lock_order_violation<acquiring<A, level_v<A>>, while_holding<H, level_v<H>>, field_of<T, R.first>>();
    } else {
      diagnose_acquire<A, Held...>();
    }
  } else if constexpr (R.kind == fields_problem::held_later_field) {
    using A = field_class_t<T, R.first>;
    using B = field_class_t<T, R.second>;
    diagnostic::aggregate_field_taken_out_of_order<aggregate<T>, acquiring_field<R.first, A>, while_holding_field<R.second, B>>();
  }
}

template <class T, std::size_t... Sel, class... Held, std::size_t... I>
auto lock_fields(context<Held...>& ctx, T& agg, call_site site,
                 std::index_sequence<I...>) {
  using check = lock_fields_check<T, context<Held...>, Sel...>;
  if constexpr (check::value.kind != fields_problem::none) {
    diagnose_fields<T, check::value, Held...>(std::index_sequence<Sel...>{});
    return context<Held...>(ctx);  // a bare context: no further errors from the guard
  } else {
    return context_access::lock_in_order(ctx, std::tie(boost::pfr::get<I>(agg)...), site);
  }
}

// Contexts lock_fields() accepts: any non-const lvalue context or guard, and bare
// contexts as rvalues (lock_fields(unlocked(), agg)); not a temporary guard, whose lock
// would be released before the fields are.
template <class Ctx>
concept fields_context =
    !std::is_const_v<std::remove_reference_t<Ctx>> &&
    is_context<context_of_t<Ctx>>::value &&
    (std::is_lvalue_reference_v<Ctx> || is_context<std::remove_cvref_t<Ctx>>::value);

#if LOCKORDER_RUNTIME
template <class L>
void name_field(L& m, std::string_view name, std::size_t index) noexcept {
  constexpr std::size_t cap = rt::instance_name_size;
  char suffix[32];
  const int s = std::snprintf(suffix, sizeof suffix, ".field<%zu>", index);
  const std::size_t room = cap - 1 - static_cast<std::size_t>(s);
  char out[cap];
  if (name.size() <= room)
    std::snprintf(out, cap, "%.*s%s", static_cast<int>(name.size()), name.data(), suffix);
  else  // the validator keeps cap - 1 characters: keep the type's own name and the index
    std::snprintf(out, cap, "...%.*s%s", static_cast<int>(room - 3),
                  name.data() + name.size() - (room - 3), suffix);
  name_lock(m, out);
}
#endif
}  // namespace impl

/// A struct that can serve as a hierarchy: an aggregate (no constructors, bases or
/// virtual functions) with at least one field, every field a lockorder lock. Says
/// nothing about the order; lock_fields() checks that.
template <class T>
concept aggregate_hierarchy =
    impl::fields_of<std::remove_cv_t<T>>::count >= 1 &&
    impl::fields_of<std::remove_cv_t<T>>::first_non_lock ==
        impl::fields_of<std::remove_cv_t<T>>::count;

/// Takes the fields I... of `agg` (every field when none is given; indices increasing),
/// in field order, each exclusively. Compiles only if the fields agree with levels and
/// declared orders and each may follow the held set; returns a group_guard holding them.
/// Example: examples/080-aggregates.cpp.
template <std::size_t... I, class Ctx, class T>
  requires impl::fields_context<Ctx> && (!std::is_const_v<T>)
[[nodiscard]] auto lock_fields(Ctx&& ctx, T& agg,
                               call_site site = {}) {
  return impl::lock_fields<T, I...>(static_cast<impl::context_of_t<Ctx>&>(ctx), agg, site,
                                    impl::selection_t<T, I...>{});
}

/// True when lock_fields<I...>(ctx, agg) compiles for an lvalue `ctx` of type Ctx (a
/// context or guard) and an aggregate of type T (handy in STATIC_REQUIRE).
template <class Ctx, class T, std::size_t... I>
concept can_lock_fields =
    impl::fields_context<std::remove_reference_t<Ctx>&> && !std::is_const_v<T> &&
    impl::lock_fields_check<T, impl::context_of_t<Ctx>, I...>::value.kind ==
        impl::fields_problem::none;

/// Names every field of `agg` in run-time reports, "<name>.field<I>" (field I, from 0):
/// `name` defaults to T's name as the compiler spells it. Names are kept by address:
/// call it once per object, after construction. Does nothing with LOCKORDER_RUNTIME=0.
template <aggregate_hierarchy T>
void name_fields(T& agg,
                 std::string_view name = detail::qualified_name<std::remove_cv_t<T>>()) noexcept {
#if LOCKORDER_RUNTIME
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (impl::name_field(boost::pfr::get<I>(agg), name, I), ...);
  }(std::make_index_sequence<impl::fields_of<std::remove_cv_t<T>>::count>{});
#else
  (void)agg, (void)name;
#endif
}

LOCKORDER_NAMESPACE_END
