// lockorder/detail/rt_state.hpp — the run-time validator's state and interface: modes,
// per-lock and per-thread state, the tables, and the hooks the lock types call.
//
// Per thread: a stack of held locks and, for each depth, a key of the held-class
// sequence (lockdep's chain key). Globally: a class registry, the dependency graph
// (graph.hpp), and a lock-free set of chain keys already validated.
//
// Cost: an acquisition whose chain key was validated before takes no global lock and
// allocates nothing: a push, a hash, one look-up in a per-thread cache (then in the
// global set). A new chain takes the validator's lock, adds the edges from the nearest
// held lock (and try-locks above it), checks levels, recursion and cycles, and records
// where each new edge was first seen. Reports are delivered after the lock is dropped.
// Tables never grow: when one fills, one limit_reached report; what did not fit is not
// recorded, and everything recorded is still checked.
// Internal: not a stable interface.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <source_location>
#include <string_view>
#include <type_traits>

#include <sched.h>

namespace lockorder {
struct lock_graph;  // report.hpp
}

namespace lockorder::detail {
// One program, one validator configuration. The table sizes are in the validator's names
// (LOCKORDER_TABLES) but not in the lock types', so translation units built with other
// sizes would share lock member functions whose bodies differ. This variable's name does
// not depend on the sizes: the first validator to start claims it with its own name, and
// one of another configuration that starts later says so once on stderr and stays off
// (rt_registry.hpp: state()). Where the validator is compiled once, other sizes already
// fail to link (the validator's functions carry them).
inline constinit std::atomic<const char*> configuration_in_use{nullptr};
}  // namespace lockorder::detail

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// ---- modes and per-lock state -------------------------------------------------------

inline constexpr unsigned mode_exclusive = 0;
inline constexpr unsigned mode_read = 1;            // shared, not reader-recursive
inline constexpr unsigned mode_recursive_read = 2;  // shared, readers never wait for readers
inline constexpr unsigned mode_kind_mask = 3;
inline constexpr unsigned mode_try = 4;             // taken by a try-lock: no edge into it
inline constexpr unsigned mode_group_next = 8;      // same lock_all() group as the entry below
inline constexpr unsigned mode_wait = 16;           // waiting for a completion: taken and dropped at once
inline constexpr unsigned mode_complete = 32;       // signalling one: completion -> every held lock
inline constexpr unsigned mode_section = 64;        // a signalling section: held, no edge into it
inline constexpr unsigned mode_skip_top = 128;      // a wait that releases the top lock (a condvar's)
inline constexpr unsigned mode_frames = 256;        // held_entry::frames is filled (not in the key)

/// What a lockorder lock carries when the runtime is on.
struct lock_state {
  lock_state() = default;
  lock_state(const lock_state&) = delete;
  std::atomic<std::uint32_t> owner{0};    // thread id of the exclusive holder
  std::atomic<std::uint32_t> readers{0};  // shared holders
  std::uint32_t own_class = 0;            // per-instance class, 0 = the type's class
};

// ---- small internal lock --------------------------------------------------------------

/// The validator's own lock. Never recorded; spins then yields. Reset in a fork child.
struct spin_lock {
  std::atomic<bool> held{false};
  void lock() noexcept {
    for (unsigned spins = 0; held.exchange(true, std::memory_order_acquire); ++spins) {
      while (held.load(std::memory_order_relaxed)) {
        if (spins++ > 64) sched_yield();
      }
    }
  }
  void unlock() noexcept { held.store(false, std::memory_order_release); }
};

// ---- thread state ---------------------------------------------------------------------

inline constexpr std::size_t held_frames = 6;

// One held lock. The hot path writes the fields up to `ret` only; frames are filled on
// the slow path (validation, or LOCKORDER_STACKTRACE=1), and in unoptimized code by the
// caller walk (rt_hot.hpp), flagged by mode_frames, so an optimized cached acquisition
// never touches them. 128 bytes: indexing is a shift.
struct alignas(64) held_entry {
  const void* instance;
  std::uint64_t key;  // chain key of the sequence up to and including this entry
  std::uint32_t cls;
  std::uint32_t mode;
  std::source_location loc;
  // Where the acquisition ran, for sites that source_location cannot give (std RAII):
  // an address in the function the fast path is inlined into (the user's, when
  // optimized), and the return address of that function (the user's, at -O0, where
  // std::lock_guard's constructor is a real call). Reports use the first that is user code.
  void* pc;
  void* ret;
  // The caller's frames (the slow path's stack, or -O0's walked callers): name the user's
  // function even when the lock was taken inside std::lock_guard and friends.
  std::uint32_t nframes;
  void* frames[held_frames];

  std::size_t frame_count() const noexcept { return mode & mode_frames ? nframes : 0; }
};
static_assert(sizeof(held_entry) == 128);

inline constexpr std::size_t thread_cache_size = 256;

struct thread_state {
  held_entry held[LOCKORDER_MAX_HELD];
  std::uint32_t depth;      // entries in held[]
  std::uint32_t gate;       // 0 until the thread is set up, then LOCKORDER_MAX_HELD: the
                            // fast path runs while depth < gate (one compare for both)
  std::uint32_t untracked;  // acquisitions past LOCKORDER_MAX_HELD, not recorded
  std::uint32_t tid;        // 0 until the thread first takes the slow path
  std::uint32_t busy;       // inside the validator or a handler it called: no validation
  std::uint32_t in_tables;  // holds big_lock: nothing on this thread may wait for it
  std::uint64_t ctx_live;   // stale-context check: bit d-1 set while depth d is live
  std::uint64_t cache[thread_cache_size];  // chain keys this thread validated lately
  thread_state* next_thread;  // every thread that took a lock, under big_lock: for
  thread_state* prev_thread;  // reset_validator() (from the first acquisition to the exit)
  std::uintptr_t stack_low;   // this thread's stack, for the -O0 caller walk (rt_hot.hpp):
  std::uintptr_t stack_top;   // top 0 until first needed, 1 when unknown
};

// Trivially constructible and destructible: no TLS guard on the hot path.
inline constinit thread_local thread_state tls{};

// ---- global tables --------------------------------------------------------------------

struct validator_state;  // the global tables (rt_registry.hpp): only the cold half reads them
inline constexpr std::size_t instance_name_size = 48;  // name_instance()'s longest name + 1


inline constinit spin_lock big_lock{};
inline constinit std::atomic<bool> learning{true};
inline constinit std::atomic<std::uint32_t> next_tid{0};

static_assert((LOCKORDER_MAX_CHAINS & (LOCKORDER_MAX_CHAINS - 1)) == 0,
              "LOCKORDER_MAX_CHAINS must be a power of two");

validator_state* state() noexcept;

// ---- the hooks the lock types call ---------------------------------------------------

template <class C>
inline constinit std::atomic<std::uint32_t> static_class_id{0};

// A static class as data, so that registering one takes no code of its own: one
// constant per class (class_desc_v<C>), and one function (register_static) that walks them.
// Lock types pass &class_desc_v<C> where a class is needed; only the id's load is inlined.
struct class_desc;
/// One declared order (after<>): `cls` is taken before the class that lists it.
struct class_pred {
  const class_desc* cls;  // nullptr ends a list
  std::string_view why;   // a template parameter object's: static storage, NUL-terminated
};
struct class_desc {
  std::atomic<std::uint32_t>* id;  // &static_class_id<C>: 0 until registered
  const char* signature;           // detail::signature<C>(): the name is parsed from it
  level_t level;
  bool ranked;
  const std::source_location* where;  // the class's definition
  const class_pred* preds;            // its declared orders, in declaration order

  /// class_name_v<C>, parsed at run time.
  std::string_view name() const noexcept { return name_in_signature(signature); }
};

template <class List> struct class_preds_of;  // the class_pred list of a declared_after_t

/// C's descriptor. Initializers only take addresses, so declared cycles are fine.
template <class C>
inline constexpr class_desc class_desc_v{&static_class_id<C>, signature<C>(),
                                         C::lockorder_level.value, C::lockorder_level.ranked,
                                         &C::lockorder_where,
                                         class_preds_of<declared_after_t<C>>::value};

template <class... A>
struct class_preds_of<type_list<A...>> {
  static constexpr class_pred value[] = {{&class_desc_v<typename A::class_type>, A::why}...,
                                         {nullptr, {}}};
};
template <>
struct class_preds_of<type_list<>> {
  static constexpr class_pred value[] = {{nullptr, {}}};
};

std::uint32_t register_static_class(std::atomic<std::uint32_t>& id, std::string_view name,
                                    level_t level, bool ranked) noexcept;
void declare_order(std::uint32_t before, std::uint32_t after, std::string_view why,
                   const std::source_location& where) noexcept;
/// Registers the class and, first, every class it declares before it, with the
/// declared edges. Returns 0 when a declared cycle leads back to a class this thread is
/// registering (or the table is full).
std::uint32_t register_static(const class_desc& n) noexcept;

/// The id of a static class, registered at its first use.
inline std::uint32_t static_class(const class_desc& n) noexcept {
  const std::uint32_t id = n.id->load(std::memory_order_acquire);
  return id ? id : register_static(n);
}
std::uint32_t register_own_class(std::uint32_t family, std::string_view name, bool numbered,
                                 level_t level, bool ranked, const void* owner) noexcept;

// The class of a lock whose own class (or nesting subclass) the full class table did not
// take: a reserved slot, never registered, that validation skips like class 0. So such a
// lock is not checked, rather than checked as its family's or base class (which made two
// of them a recursive_lock), and class_of() stays as cheap as it was.
inline constexpr std::uint32_t unrecorded_class = LOCKORDER_MAX_CLASSES - 1;

/// Id of the class a lock of static class `n` belongs to: its own, or n's.
inline std::uint32_t class_of(const lock_state& s, const class_desc& n) noexcept {
  return s.own_class ? s.own_class : static_class(n);
}

/// Gives a lock its own class: n's level under its own name (numbered if none given).
void make_own_class(lock_state& s, const char* name, const class_desc& n) noexcept;
/// Reclaims s's own class (its lock or wait object dies): rt_reclaim.hpp.
void drop_own_class(lock_state& s) noexcept;

/// Records an acquisition before the thread blocks on it (or after a successful
/// try-lock). Checks it when its held-class sequence is new. May throw
/// lock_order_error in report_mode::throw_exception (blocking acquisitions only).
void acquire(lock_state& s, const void* instance, std::uint32_t cls, unsigned subclass,
             unsigned mode, std::source_location loc);
/// Marks the lock held once the real lock operation succeeded.
void mark_held(lock_state& s, unsigned mode) noexcept;
/// Drops the record of `instance` (it failed to lock: an exception).
void forget(const void* instance) noexcept;

/// Reports a lock destroyed while held; reclaims its own class otherwise. `cls`: the
/// lock's static class, for reports (an own class is in `s`), here and in release() and
/// assert_held() (rt_hot.hpp). A release returns false for a bad unlock (reported; do
/// not unlock).
void destroy(lock_state& s, const void* instance, const class_desc* cls) noexcept;

/// A momentary acquisition: validated like one, never held. For waits on and signals of
/// completions (mode_wait, mode_wait | mode_skip_top, mode_complete) and might_lock().
void wait_point(const void* instance, std::uint32_t cls, unsigned mode,
                const std::source_location& loc);

/// Copies the class graph (classes, edges, first-seen sites) for export.
void snapshot(lock_graph& out);

/// Gives a lock instance a display name for reports (empty: forget it). Not on any lock
/// path: for aggregates, containers of locks, and such.
void name_instance(const void* instance, std::string_view name) noexcept;

/// m.assert_held() (want_held) / m.assert_not_held(): checks the thread's held stack
/// (either mode counts as held; held by another thread is not held) and reports
/// assertion_failed when the assertion is false.
void assert_held(lock_state& s, const void* instance, const class_desc* cls, bool want_held,
                 std::source_location loc);

std::uint32_t context_enter(std::uint32_t parent, const std::source_location& loc);
void context_leave(std::uint32_t depth) noexcept;
void context_check(std::uint32_t depth, const std::source_location& loc);

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt

