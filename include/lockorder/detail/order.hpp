// lockorder/detail/order.hpp — declared orders at compile time: the transitive closure
// of the `after` lists, cycle detection, and the hop that explains a violation.
// Internal: not a stable interface.
//
// Cost: a check is one constant evaluation over per-class nodes (node_v); the type-list
// closure is instantiated only to name a cycle's classes in its error.
#pragma once

#include <lockorder/lock_class.hpp>

#include <cstddef>
#include <type_traits>

namespace lockorder {
template <class... Classes> struct classes_on_the_cycle;  // names a cycle in error messages
}

namespace lockorder::detail {

template <class A, class B> struct concat;
template <class... A, class... B>
struct concat<type_list<A...>, type_list<B...>> { using type = type_list<A..., B...>; };

template <class List> struct classes_of;
template <class... A>
struct classes_of<type_list<A...>> { using type = type_list<typename A::class_type...>; };

/// The classes C declares directly before it.
template <class C>
using preds_t = typename classes_of<declared_after_t<C>>::type;

// The declared graph as constant data: one node per class, pointing at the nodes of the
// classes its after<> lists name. The graph math is plain constexpr over these pointers,
// and what a check needs per class is computed once, into variables (facts_of): a query
// is a constant evaluation, not a cascade of template instantiations over type lists
// (docs/performance.md#compile-time).
struct class_node {
  const class_node* const* preds;  // null-terminated
  level_t level;
  bool ranked;
};
template <class List> struct preds_of;
// C is a lock class here (it came from a lock's class_type): its members are read
// directly, without the lock_class concept checks of level_v and is_ranked_v.
template <class C>
inline constexpr class_node node_v{preds_of<declared_after_t<C>>::value,
                                   C::lockorder_level.value, C::lockorder_level.ranked};
template <class... A>
struct preds_of<type_list<A...>> {
  static constexpr const class_node* value[sizeof...(A) + 1] = {
      &node_v<typename A::class_type>..., nullptr};
};
template <>
struct preds_of<type_list<>> {
  static constexpr const class_node* value[1] = {nullptr};
};

// A stack of nodes for constant evaluation (transient allocation).
class node_stack {
 public:
  constexpr node_stack() : data_(new const class_node*[16]) {}
  constexpr ~node_stack() { delete[] data_; }
  node_stack(const node_stack&) = delete;
  node_stack& operator=(const node_stack&) = delete;
  constexpr void push(const class_node* n) {
    if (size_ == cap_) {
      auto* bigger = new const class_node*[cap_ * 2];
      for (std::size_t i = 0; i < size_; ++i) bigger[i] = data_[i];
      delete[] data_;
      data_ = bigger;
      cap_ *= 2;
    }
    data_[size_++] = n;
  }
  constexpr const class_node* pop() { return data_[--size_]; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr bool contains(const class_node* n) const {
    for (std::size_t i = 0; i < size_; ++i)
      if (data_[i] == n) return true;
    return false;
  }

 private:
  const class_node** data_;
  std::size_t size_ = 0, cap_ = 16;
};

/// Calls f(node) for every class declared, directly or through others, before `from`:
/// the closure of from's after<> lists. Depth first, each node once: ends on cycles.
template <class F>
constexpr void for_each_declared_before(const class_node* from, F f) {
  node_stack todo, seen;
  todo.push(from);
  while (!todo.empty()) {
    const class_node* n = todo.pop();
    for (const class_node* const* p = n->preds; *p; ++p) {
      if (!seen.contains(*p)) {
        seen.push(*p);
        todo.push(*p);
        f(*p);
      }
    }
  }
}

// What the checks need about one class, computed once per class (a variable template
// is instantiated once; constant evaluation is not memoized by every compiler).
struct class_facts {
  const class_node* const* closure;  // every class declared before it, null-terminated
  bool in_cycle;                     // its declared orders lead back to it
  bool contradicts_levels;           // one of its after<> names a class not ranked lower
};

template <std::size_t N>
struct node_array {
  const class_node* value[N + 1]{};
};
template <class C>
struct facts_of {
  static constexpr const class_node* self = &node_v<C>;
  static constexpr std::size_t size = [] {
    std::size_t n = 0;
    for_each_declared_before(self, [&](const class_node*) { ++n; });
    return n;
  }();
  static constexpr node_array<size> closure = [] {
    node_array<size> a;
    std::size_t i = 0;
    for_each_declared_before(self, [&](const class_node* n) { a.value[i++] = n; });
    return a;
  }();
  static constexpr bool in_cycle = [] {
    for (std::size_t i = 0; i < size; ++i)
      if (closure.value[i] == self) return true;
    return false;
  }();
  static constexpr bool contradicts_levels = [] {
    for (const class_node* const* p = self->preds; *p; ++p)
      if (self->ranked && (*p)->ranked && (*p)->level >= self->level) return true;
    return false;
  }();
  static constexpr class_facts value{closure.value, in_cycle, contradicts_levels};
};
// A class without after<> declarations (most of them) shares one set of facts.
inline constexpr class_facts no_declared_orders{preds_of<type_list<>>::value, false, false};
template <class C, class After = declared_after_t<C>>
struct facts_ptr {
  static constexpr const class_facts* value = &facts_of<C>::value;
};
template <class C>
struct facts_ptr<C, type_list<>> {
  static constexpr const class_facts* value = &no_declared_orders;
};
template <class C>
inline constexpr const class_facts* facts_v = facts_ptr<C>::value;

/// True when `target` is in the closure `facts` describes.
constexpr bool declared_in(const class_facts* facts, const class_node* target) {
  for (const class_node* const* p = facts->closure; *p; ++p)
    if (*p == target) return true;
  return false;
}

/// X is declared, directly or through others, to be acquired before H.
template <class X, class H>
inline constexpr bool declared_before_v = declared_in(facts_v<H>, &node_v<X>);

// Breadth-first over `after` lists as types, with a visited list: for naming the classes
// of a declared cycle in its compile error (the checks use declared_reaches), and for
// declared_hierarchy() (export.hpp). Hand-written, not Hana: this header is in every
// translation unit, and Hana's headers would cost each about 0.1 s (docs/performance.md).
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

/// Every class declared (transitively) before C, as a type list. Contains C itself only
/// on a cycle.
template <class C>
using closure_t = typename closure_walk<type_list<>, preds_t<C>>::type;

// The classes on C's declared cycles: those of C's closure that reach C back.
template <class C, class List> struct cycle_members;
template <class C, class... L>
struct cycle_members<C, type_list<L...>> {
  template <class Y>
  using keep = std::conditional_t<declared_before_v<C, Y>, type_list<Y>, type_list<>>;
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
