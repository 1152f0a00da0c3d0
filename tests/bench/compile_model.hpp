// tests/bench/compile_model.hpp — the least a compile-time checked acquisition can cost.
//
// A model of lockorder's design with nothing but its skeleton: a context type lists the
// held classes, ctx.lock(m) checks the level of m's class against them and returns a
// guard, a new type holding one more class, that owns the lock. No declared orders, no
// diagnostics, no run-time validator, no thread-safety attributes, no source locations.
// compile_budget.py compiles the budget's translation unit against it: its ratio to plain
// std::mutex is the floor of any design in which each acquisition yields a new guard
// type, which is what makes the next acquisition checkable (docs/performance.md).
#pragma once

#ifndef MODEL_INNERMOST
#  define MODEL_INNERMOST 0
#endif

#include <mutex>

namespace model {

#define MODEL_CLASS(name, lvl) \
  struct name {                \
    static constexpr int level = lvl; \
  }

template <class C>
struct mutex {
  using class_type = C;
  std::mutex m;
};

#if MODEL_INNERMOST
// The context carries its innermost class only: one guard type per lock type.
struct none {
  static constexpr int level = -1;
};
template <class Inner = none> struct context {
  template <class L> [[gnu::always_inline]] auto lock(L& m);
};
#else
template <class... Held> struct context {
  template <class L> [[gnu::always_inline]] auto lock(L& m);
};
#endif

// The owning part, one per lock type, as in lockorder (guard_body).
template <class L>
struct body {
  L* l;
  explicit body(L& m) : l(&m) { m.m.lock(); }
  body(body&& o) noexcept : l(o.l) { o.l = nullptr; }
  ~body() {
    if (l) l->m.unlock();
  }
};

#if MODEL_INNERMOST
template <class L>
struct guard : context<typename L::class_type>, body<L> {
  [[gnu::always_inline]] explicit guard(L& m) : body<L>(m) {}
  guard(guard&&) noexcept = default;
  [[gnu::always_inline]] ~guard() = default;
};

template <class Inner>
template <class L>
auto context<Inner>::lock(L& m) {
  static_assert(Inner::level < L::class_type::level, "lock order");
  return guard<L>(m);
}
#else
template <class L, class... Held>
struct guard : context<Held...>, body<L> {
  [[gnu::always_inline]] explicit guard(L& m) : body<L>(m) {}
  guard(guard&&) noexcept = default;
  [[gnu::always_inline]] ~guard() = default;
};

template <class... Held>
template <class L>
auto context<Held...>::lock(L& m) {
  using C = typename L::class_type;
  static_assert(((Held::level < C::level) && ...), "lock order");
  return guard<L, Held..., C>(m);
}
#endif

inline context<> unlocked() { return {}; }

}  // namespace model
