// lockorder/context.hpp — compile-time checked acquisition: unlocked(), contexts,
// guards, and the concepts callees use to state what they need.
//
// A context's type lists the innermost classes the thread holds (those no later class
// makes redundant: docs/concepts.md#what-a-context-lists). ctx.lock(m) compiles only if
// m's class may be taken after all of them, and returns a guard: a move-only RAII owner
// of m that is itself a context listing m's class. context_at<C> and context_before<C>
// carry a context across function boundaries as ordinary types. Examples:
// examples/010-first-hierarchy.cpp, examples/030-callees.cpp,
// examples/150-seed-000-across-files/; rules and their rationale: docs/concepts.md.
//
// Cost: contexts are empty types when LOCKORDER_RUNTIME=0; every check is compile time.
// With LOCKORDER_CHECK_CONTEXT=1 a context also carries its depth, and using one that is
// no longer the innermost (a stale context) is reported at run time.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/context_checks.hpp>
#include <lockorder/detail/diagnostic_table.hpp>
#include <lockorder/detail/diagnostics.hpp>
#include <lockorder/detail/guard_body.hpp>
#include <lockorder/detail/meta.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>
#include <lockorder/thread_safety.hpp>

#include <array>
#include <cstdint>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

LOCKORDER_NAMESPACE_BEGIN

// context, guard and group_guard are declared in detail/context_checks.hpp.
template <class C> class context_at;
template <class C> class context_before;

// The body of every single-lock acquisition (lock(), lock_shared(), ...), expanded in
// place rather than shared as a function template, which would be one more instantiation
// per acquisition: lock m, of lock type L, as entry E (shared, nested or tried) in a
// context listing the pack Held, at site, with enter(site) doing the run-time part.
// Checks the lock type, then the order (a try_lock has none to check), then builds the
// guard. A rejected lock type yields a bare context instead, so its one error is not
// followed by errors from inside the guard. Undefined at the end of this file.
#define LOCKORDER_TAKE(L, E, Held, m, site, enter, Shared, Try)         \
  if constexpr (!impl::acceptable_lock<L, Shared>) {                    \
    LOCKORDER_DIAGNOSE(impl::diagnose_lock_type<L, Shared>());          \
    return context<Held...>{};                                          \
  } else {                                                              \
    if constexpr (!Try && !impl::acquire_ok_v<E, Held...>)              \
      LOCKORDER_DIAGNOSE(impl::diagnose_acquire<E, Held...>());         \
    return impl::guard_for_t<L, typename impl::push<E, Held...>::type>( \
        enter(site), m, site);                                          \
  }

/// A context: the set of classes this thread holds, as a type. Obtain the root with
/// unlocked(); every other context is a guard returned by one of these functions.
template <class... Held>
class context : public impl::context_base {
 public:
  /// True when Class is listed (held, in any mode, and not made redundant by a later one).
  template <class Class>
  static constexpr bool holds = (std::is_same_v<impl::entry_class_t<Held>, Class> || ...);

  /// Takes `m` exclusively. Compiles only if its class may follow every listed class.
  template <class L>
  [[gnu::always_inline]] [[nodiscard]] auto lock(
      L& m, call_site site = {})
      LOCKORDER_ACQUIRE(m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using E = impl::lock_class_t<L>;
    LOCKORDER_TAKE(L, E, Held, m, site, enter, false, false);
  }

  /// Takes `m` shared (a reader). Same order rules as lock().
  template <class L>
  [[gnu::always_inline]] [[nodiscard]] auto lock_shared(
      L& m, call_site site = {})
      LOCKORDER_ACQUIRE_SHARED(m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using E = shared<impl::lock_class_t<L>>;
    LOCKORDER_TAKE(L, E, Held, m, site, enter, true, false);
  }

  /// Takes `m` as nesting subclass N of its class (lockdep's mutex_lock_nested): the same
  /// class may be held again if each nesting uses a higher subclass.
  template <unsigned N, class L>
  [[gnu::always_inline]] [[nodiscard]] auto lock_nested(
      L& m, call_site site = {})
      LOCKORDER_ACQUIRE(m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using E = nested<impl::lock_class_t<L>, N>;
    LOCKORDER_TAKE(L, E, Held, m, site, enter, false, false);
  }

  /// Tries to take `m`; never blocks, so it may go against the order. The guard owns the
  /// lock only if it converts to true; either way, later locks must follow it.
  // ACQUIRE, not TRY_ACQUIRE: clang 16 cannot tie a try-acquire to a returned guard's
  // operator bool, so the analysis takes the guard as holding m (docs/api.md).
  template <class L>
  [[gnu::always_inline]] [[nodiscard]] auto try_lock(
      L& m, call_site site = {})
      LOCKORDER_ACQUIRE(m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using E = tried<impl::lock_class_t<L>>;
    LOCKORDER_TAKE(L, E, Held, m, site, enter, false, true);
  }

  /// try_lock() for a shared acquisition.
  template <class L>
  [[gnu::always_inline]] [[nodiscard]] auto try_lock_shared(
      L& m, call_site site = {})
      LOCKORDER_ACQUIRE_SHARED(m) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using E = tried<shared<impl::lock_class_t<L>>>;
    LOCKORDER_TAKE(L, E, Held, m, site, enter, true, true);
  }

  /// Takes several locks as one step. Their levels must all be above every held level;
  /// they are taken by increasing level, and locks of equal level (several locks of one
  /// class, say) by increasing address, which is deadlock free for any set of threads.
  template <class... L>
    requires(sizeof...(L) >= 1)
  [[nodiscard]] auto lock_all(L&... m);

  /// Waits for completion `c`. Compiles only if every held level is below c's level: the
  /// completer may need any lock ranked below the completion (docs/concepts.md#waits).
  template <class W>
    requires W::lockorder_completion
  void wait(W& c, call_site site = {}) {
    if constexpr (!impl::wait_ok_v<true, typename W::class_type, Held...>)
      LOCKORDER_DIAGNOSE(impl::diagnose_wait<true, typename W::class_type, Held...>());
    check_current(site);
    c.wait(site);
  }

  /// Signals completion `c` (one waiter). Compiles only if every held level is above c's.
  template <class W>
    requires W::lockorder_completion
  void complete(W& c, call_site site = {}) {
    if constexpr (!impl::wait_ok_v<false, typename W::class_type, Held...>)
      LOCKORDER_DIAGNOSE(impl::diagnose_wait<false, typename W::class_type, Held...>());
    check_current(site);
    c.complete(site);
  }

  /// Signals completion `c` to all waiters. Same rule as complete().
  template <class W>
    requires W::lockorder_completion
  void complete_all(W& c, call_site site = {}) {
    if constexpr (!impl::wait_ok_v<false, typename W::class_type, Held...>)
      LOCKORDER_DIAGNOSE(impl::diagnose_wait<false, typename W::class_type, Held...>());
    check_current(site);
    c.complete_all(site);
  }

  /// Checks that `m` may be taken here, as lock() would, without taking it (lockdep's
  /// might_lock): for paths that take it only sometimes, like an allocation that may
  /// enter reclaim (an annotation, annotation.hpp) or a copy that may fault.
  template <class L>
  void might_lock(L& m, call_site site = {}) {
    note_might<impl::lock_class_t<L>, false>(m, site);
  }
  /// might_lock() for a shared acquisition (the kernel's might_fault()).
  template <class L>
  void might_lock_shared(L& m, call_site site = {}) {
    note_might<shared<impl::lock_class_t<L>>, true>(m, site);
  }

 protected:
  [[gnu::always_inline]] context() = default;
  [[gnu::always_inline]] explicit context(impl::context_depth d) : context_base(d) {}

  template <class E, bool Shared, class L>
  void note_might(L& m, call_site site) {
    if constexpr (!impl::acceptable_lock<L, Shared>) {
      LOCKORDER_DIAGNOSE(impl::diagnose_lock_type<L, Shared>());
    } else {
      if constexpr (!impl::acquire_ok_v<E, Held...>)
        LOCKORDER_DIAGNOSE(impl::diagnose_acquire<E, Held...>());
      check_current(site);
#if LOCKORDER_RUNTIME
      if constexpr (Shared) m.might_lock_shared(site);
      else m.might_lock(site);
#else
      (void)m;
#endif
    }
  }

  template <class... H> friend class context;
  friend struct impl::context_access;
  friend constexpr context<> unlocked() noexcept;
};

/// The root context: nothing held. Start every checked acquisition chain here.
[[nodiscard]] constexpr context<> unlocked() noexcept { return context<>{}; }

/// A context at a function boundary: C is held (as entry E: C, shared<C> or
/// nested<C, N>) and is the innermost lock; every other held class is ordered before C.
/// An ordinary class type, taken by value, so the callee can be a plain function in a
/// .cpp file, a virtual function or a callback: `void f(lockorder::context_at<C> ctx);`.
/// Any context converts to it when that is provable at compile time; otherwise the one
/// error names C and the held class that breaks it. Inside, what may follow C may be
/// taken. Empty with LOCKORDER_RUNTIME=0; otherwise it carries the stale-context depth.
/// Example: examples/150-seed-000-across-files/ (docs/concepts.md#boundaries).
template <class E>
class context_at : public context<E> {
 public:
  template <class... H>
  [[gnu::always_inline]] context_at(const context<H...>& from)  // NOLINT: implicit on purpose
      : context<E>(depth_of(from)) {
    if constexpr (impl::check_at_v<E, H...>.kind != impl::check_kind::ok)
      LOCKORDER_DIAGNOSE(impl::diagnose_at<E, H...>());
  }
};

/// A context at a function boundary for a callee that will take C: every held class may
/// precede C. Inside, C and what is ordered after C (levels, after<>) may be taken,
/// nothing else. Taken by value like context_at<C>; any context from which C could be
/// taken converts to it, and one that could not is one error naming C and the held class.
template <class C>
class context_before : public context<before<C>> {
 public:
  template <class... H>
  [[gnu::always_inline]] context_before(const context<H...>& from)  // NOLINT: implicit
      : context<before<C>>(depth_of(from)) {
    if constexpr (impl::check_v<C, H...>.kind != impl::check_kind::ok)
      LOCKORDER_DIAGNOSE(impl::diagnose_before<C, H...>());
  }

 private:
  template <class Lock, class... H> friend class guard;
  [[gnu::always_inline]] explicit context_before(impl::context_depth d)
      : context<before<C>>(d) {}
};

namespace impl {
template <class Ctx, class E> struct at_ok : std::false_type {};
template <class... H, class E>
struct at_ok<context<H...>, E> : std::bool_constant<check_at_v<E, H...>.kind == check_kind::ok> {};
template <class Ctx, class C> struct before_ok : std::false_type {};
template <class... H, class C>
struct before_ok<context<H...>, C> : std::bool_constant<check_v<C, H...>.kind == check_kind::ok> {};
}  // namespace impl

/// True when Ctx converts to context_at<E> (E: C, shared<C> or nested<C, N>). A query for
/// tests and `if constexpr`: the conversion itself is one compile error when this is false.
template <class Ctx, class E>
inline constexpr bool converts_to_at_v =
    requires { requires impl::at_ok<impl::context_of_t<Ctx>, E>::value; };
/// True when Ctx converts to context_before<C>.
template <class Ctx, class C>
inline constexpr bool converts_to_before_v =
    requires { requires impl::before_ok<impl::context_of_t<Ctx>, C>::value; };

/// True when a context's type lists Class as held (in any mode). A query, for tests and
/// `if constexpr`; holding<C> is the requirement a callee states.
template <class Ctx, class Class>
inline constexpr bool holds_v =
    requires { requires impl::holds_class<impl::context_of_t<Ctx>, Class>::value; };

/// A context that holds Class (in any mode): for callees that must be called with it held.
/// A requirement, not a test: a context that does not list Class is a compile error whose
/// first line names Class (use holds_v to ask). A context lists the innermost classes
/// only (docs/concepts.md#what-a-context-lists): for a class held further out, take a
/// context_at<> of the innermost, or assert it at run time (m.assert_held()).
template <class Ctx, class Class>
concept holding = impl::is_context<impl::context_of_t<Ctx>>::value &&
                  impl::holding_check<impl::context_of_t<Ctx>, Class>::value;

/// A context that holds Class exclusively.
template <class Ctx, class Class>
concept holding_exclusive = impl::is_context<impl::context_of_t<Ctx>>::value &&
                            impl::holds_exclusive<impl::context_of_t<Ctx>, Class>::value;

/// A context from which Class may be acquired: for callees that will take it.
template <class Ctx, class Class>
concept may_acquire = impl::is_context<impl::context_of_t<Ctx>>::value &&
                      impl::acquire_ok<impl::context_of_t<Ctx>, Class>::value;

/// True when ctx.lock(m) compiles for a Ctx and a lock type L (handy in STATIC_REQUIRE).
template <class Ctx, class L>
concept can_lock = lockorder_lock<L> && may_acquire<Ctx, typename L::class_type>;

/// True when ctx.lock_shared(m) compiles.
template <class Ctx, class L>
concept can_lock_shared = lockorder_lock<L> && L::lockorder_shared &&
                          impl::acquire_ok<impl::context_of_t<Ctx>,
                                             shared<typename L::class_type>>::value;

/// True when ctx.lock_nested<N>(m) compiles.
template <class Ctx, class L, unsigned N>
concept can_lock_nested = lockorder_lock<L> &&
                          impl::acquire_ok<impl::context_of_t<Ctx>,
                                             nested<typename L::class_type, N>>::value;


/// Owns one lock taken through a context, and is the context that holds it too.
/// Move-only. Destroying it (or unlock()) releases the lock; the guard remains a valid
/// context after unlock(), conservatively still claiming the class.
/// For -Wthread-safety it is a scoped capability holding the lock it was returned for
/// (docs/api.md#thread-safety-analysis).
// Only the members' declarations are instantiated per held set; the code that takes and
// releases the lock is guard_body's, per lock type, and the destructor is defaulted.
template <class Lock, class... Held>
class LOCKORDER_SCOPED_CAPABILITY guard : public context<Held...>,
                                          public impl::guard_body<Lock, impl::last_t<Held...>> {
  using body = impl::guard_body<Lock, impl::last_t<Held...>>;

 public:
  guard(guard&&) noexcept = default;
  // Declared so that it is inlined, not emitted once per held set (-O0).
  [[gnu::always_inline]] ~guard() LOCKORDER_RELEASE_GENERIC() = default;

  /// False only for a try_lock()/try_lock_shared() that failed, or after unlock().
  [[nodiscard]] bool owns_lock() const noexcept { return this->lock_ != nullptr; }
  explicit operator bool() const noexcept { return owns_lock(); }

  /// Releases the lock early.
  [[gnu::always_inline]] void unlock() LOCKORDER_RELEASE_GENERIC()
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    this->release();
  }

  /// The lock this guard was made for.
  [[nodiscard]] Lock* mutex() const noexcept { return this->lock_; }

  /// Releases the lock, calls f with a context_before<C> (C: this lock's class), and takes
  /// the lock again (Abseil's ReleasableMutexLock, parking_lot's MutexGuard::unlocked):
  /// `g.unlocked([&](auto ctx) { do_io(); });`. While released, only C and what is ordered
  /// after it may be taken through ctx; the validator checks the re-take like the first
  /// take. Returns what f returns. f may also take no argument.
  template <class F>
  decltype(auto) unlocked(F&& f, call_site site = {})
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS {
    using C = typename Lock::class_type;
    Lock* const m = this->lock_;
    this->release();
    struct retake {  // also when f throws
      guard* g;
      Lock* m;
      call_site site;
      ~retake() {
        if (m) g->take_again(*m, site);
      }
    } again{this, m, site};
    if constexpr (std::is_invocable_v<F&&, context_before<C>>)
      return static_cast<F&&>(f)(context_before<C>(this->depth_));
    else
      return static_cast<F&&>(f)();
  }


 private:
  template <class... H> friend class context;
  [[gnu::always_inline]] guard(impl::context_depth d, Lock& m, call_site site)
      LOCKORDER_NO_THREAD_SAFETY_ANALYSIS : body(d, m, site) {
    this->depth_ = d;  // not through a constructor of context<Held...>: one per held set
  }
};

/// Owns the locks taken by one lock_all() call; a context holding all their classes.
/// Not seen by -Wthread-safety: clang 16 attributes cannot name a parameter pack.
template <class... L, class... Held>
class group_guard<std::tuple<L&...>, Held...> : public context<Held...> {
  static constexpr std::size_t n = sizeof...(L);

 public:
  group_guard(group_guard&& other) noexcept
      : context<Held...>(std::exchange(other.depth_, {})),
        locks_(other.locks_),
        order_(other.order_),
        owns_(std::exchange(other.owns_, false)) {}
  group_guard& operator=(group_guard&&) = delete;
  group_guard(const group_guard&) = delete;
  ~group_guard() {
    unlock();
#if LOCKORDER_CHECK_CONTEXT
    impl::rt::context_leave(this->depth_.value);
#endif
  }

  [[nodiscard]] bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }

  /// Releases every lock of the group, in the reverse of the order they were taken.
  void unlock() {
    if (!std::exchange(owns_, false)) return;
    for (std::size_t k = n; k-- > 0;) visit(order_[k], [](auto& m) {
      impl::lock_access::release<impl::lock_class_t<decltype(m)>>(m);
    });
  }

 private:
  template <class... H> friend class context;
  friend struct impl::context_access;

  group_guard(impl::context_depth d, std::tuple<L&...> locks, call_site site)
      : context<Held...>(d), locks_(locks) {
    // Declared orders and levels (group_rank_v, a constant per argument), then increasing
    // address: a total order every thread agrees on.
    struct key { std::size_t rank; std::uintptr_t addr; std::size_t index; };
    std::array<key, n> keys{};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((keys[I] = {impl::group_rank_v<impl::lock_class_t<L>, impl::lock_class_t<L>...>,
                   reinterpret_cast<std::uintptr_t>(&std::get<I>(locks_)), I}), ...);
    }(std::make_index_sequence<n>{});
    // Insertion sort: a handful of keys, and no <algorithm> in every includer.
    for (std::size_t i = 1; i < n; ++i) {
      const key k = keys[i];
      std::size_t j = i;
      for (; j > 0 && (keys[j - 1].rank != k.rank ? k.rank < keys[j - 1].rank
                                                  : k.addr < keys[j - 1].addr);
           --j)
        keys[j] = keys[j - 1];
      keys[j] = k;
    }
    for (std::size_t k = 0; k < n; ++k) order_[k] = keys[k].index;
    take_all(true, site);
  }

  // In the order given, each an ordinary acquisition, as nested lock() calls would be:
  // the validator learns the order between them (lock_fields(), aggregate.hpp).
  group_guard(impl::context_depth d, std::tuple<L&...> locks, impl::in_given_order_t,
              call_site site)
      : context<Held...>(d), locks_(locks) {
    for (std::size_t k = 0; k < n; ++k) order_[k] = k;
    take_all(false, site);
  }

  // Takes the locks in order_ (as one lock_all() group, or as nested acquisitions). A
  // report thrown before lock k (throw mode) releases the ones before it and leaves the
  // context depth, so nothing stays held.
  void take_all(bool group, call_site site) {
    std::size_t k = 0;
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      for (; k < n; ++k) {
        const unsigned flags = group && k ? group_next_flag : 0u;
        visit(order_[k], [&](auto& m) {
          impl::lock_access::acquire<impl::lock_class_t<decltype(m)>>(m, flags, site);
        });
      }
#if LOCKORDER_EXCEPTIONS
    } catch (...) {
      while (k-- > 0) visit(order_[k], [](auto& m) {
        impl::lock_access::release<impl::lock_class_t<decltype(m)>>(m);
      });
#  if LOCKORDER_CHECK_CONTEXT
      impl::rt::context_leave(this->depth_.value);
#  endif
      throw;
    }
#endif
    owns_ = true;
  }

  template <class F>
  void visit(std::size_t index, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((index == I ? (void)f(std::get<I>(locks_)) : (void)0), ...);
    }(std::make_index_sequence<n>{});
  }

#if LOCKORDER_RUNTIME
  static constexpr unsigned group_next_flag = impl::rt::mode_group_next;
#else
  static constexpr unsigned group_next_flag = 0;
#endif
  std::tuple<L&...> locks_;
  std::array<std::size_t, n> order_{};
  bool owns_ = false;
};

namespace impl {
using namespace ::lockorder::detail;
// lock_all() sorts by declared order and level (group_rank_v), so it cannot order two
// classes that neither a declaration nor their levels order.
template <class... C>
constexpr auto diagnose_mixed_unranked() {
  diagnostic::lock_all_cannot_order_unranked<C...>();
}
}  // namespace impl

// One error per call, for the first offending lock; a rejected lock type yields a bare
// context, so nothing inside group_guard adds errors of its own.
template <class... Held>
template <class... L>
  requires(sizeof...(L) >= 1)
auto context<Held...>::lock_all(L&... m) {
  constexpr std::size_t bad_type = impl::first_false<impl::acceptable_lock<L, false>...>();
  if constexpr (bad_type < sizeof...(L)) {
    LOCKORDER_DIAGNOSE(impl::diagnose_lock_type<impl::type_at_t<bad_type, L...>, false>());
    return context<Held...>{};
  } else {
    constexpr std::size_t bad = impl::first_false<
        impl::acquire_ok<context<Held...>, impl::lock_class_t<L>>::value...>();
    if constexpr (impl::group_unorderable_v<impl::lock_class_t<L>...>)
      LOCKORDER_DIAGNOSE(impl::diagnose_mixed_unranked<impl::lock_class_t<L>...>());
    else if constexpr (bad < sizeof...(L))
      LOCKORDER_DIAGNOSE(impl::diagnose_acquire<impl::type_at_t<bad, impl::lock_class_t<L>...>, Held...>());
    const call_site site{};
    return impl::group_for_t<context<Held...>, L...>(enter(site), std::tie(m...), site);
  }
}

namespace impl {
// For the public headers that take locks outside this file (aggregate.hpp).
struct context_access {
  // A group guard, child of ctx, whose locks are taken in the order given.
  template <class... Held, class... L>
  static auto lock_in_order(context<Held...>& ctx, std::tuple<L&...> locks,
                            call_site site) {
    return group_for_t<context<Held...>, L...>(ctx.enter(site), locks, in_given_order, site);
  }
};
}  // namespace impl

LOCKORDER_NAMESPACE_END

#undef LOCKORDER_DIAGNOSE
#undef LOCKORDER_TAKE
