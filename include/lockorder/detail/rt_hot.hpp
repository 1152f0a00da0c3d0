// lockorder/detail/rt_hot.hpp — the validator's inline hot path: chain keys and the
// chain cache, and the hooks every acquisition, release and destruction calls. A cached
// acquisition runs only this code; everything else is the cold half (rt_tables.hpp,
// rt_registry.hpp, rt_validation.hpp, rt_misuse.hpp: validator.hpp), out of line.
// Internal: not a stable interface.
#pragma once

#include <lockorder/detail/rt_state.hpp>

#include <bit>
#include <cstring>

#include <execinfo.h>

// The cold half's functions: inline when the validator is compiled into every
// translation unit (header-only), external when one translation unit compiles it
// (LOCKORDER_SEPARATE_VALIDATOR=1; src/validator.cpp defines LOCKORDER_COLD empty).
#ifndef LOCKORDER_COLD
#  define LOCKORDER_COLD inline
#endif

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// The cold functions the hot path calls.
validator_state* state() noexcept;
void first_acquisition(thread_state& t) noexcept;
void acquire_slow(const void* instance, std::uint32_t cls, unsigned subclass, unsigned mode,
                  std::source_location loc, void* pc, void* ret);
void check_chain(thread_state& t, held_entry& e);
bool release_slow(lock_state& s, const void* instance, const class_desc* cls,
                  std::source_location loc, bool shared);
// And, for testing.hpp:
bool reset_validator(const std::source_location& loc);
void read_counters(std::uint64_t* out) noexcept;  // validator_counters' fields, in order
void stale_report(std::uint32_t used, std::uint32_t innermost, const std::source_location& loc);
void find_stack_top(thread_state& t) noexcept;

inline constexpr std::uint64_t chain_seed = 0x6c6f636b6f726465ULL;

// Chain key of a sequence extended by one entry. One multiply: the tables index with
// the product's high bits, which depend on every bit of the input. Never 0 (= empty).
inline std::uint64_t chain_mix(std::uint64_t h, std::uint32_t cls, unsigned mode) noexcept {
  return ((h ^ ((std::uint64_t{cls} << 8) | (mode & 0xff))) * 0x9e3779b97f4a7c15ULL) | 1;
}
inline constexpr int chain_bits = std::countr_zero(unsigned(LOCKORDER_MAX_CHAINS));
inline constexpr int cache_bits = std::countr_zero(thread_cache_size);
inline std::size_t cache_index(std::uint64_t key) noexcept { return key >> (64 - cache_bits); }
inline std::size_t chain_index(std::uint64_t key) noexcept { return key >> (64 - chain_bits); }

// Chain key of held[0..d) extended by (cls, mode).
inline std::uint64_t key_at(const thread_state& t, std::uint32_t d, std::uint32_t cls,
                            unsigned mode) noexcept {
  return chain_mix(d ? t.held[d - 1].key : chain_seed, cls, mode);
}

// A lock destroyed while held: remove its record, report it. destroy() reaches it
// through destroy_report, which every thread's first acquisition sets (a lock is held
// only after one), so that a translation unit whose locks are defined and never taken
// does not emit the validator's reporting code for their destructors (compile time).
void destroyed_while_held(lock_state& s, const void* instance, const class_desc* cls,
                          std::uint32_t owner, std::uint32_t readers) noexcept;
using destroy_report_fn = void (*)(lock_state&, const void*, const class_desc*, std::uint32_t,
                                   std::uint32_t) noexcept;
inline constinit std::atomic<destroy_report_fn> destroy_report{nullptr};

// Unoptimized code only: a std RAII wrapper is a chain of real calls there
// (std::unique_lock's constructor calls its lock(), which our lock() is inlined into), so
// neither the pc nor the return address names the user's function, which is two or three
// calls up. -O0 keeps frame pointers, so acquire() gives the entry its callers by
// following them: two loads a frame. Only when the current frame is on this thread's own
// stack (not a signal stack or a fiber's), and only upward within it, between the current
// frame and the stack's top, all of it mapped: a frame of optimized code that reuses the
// frame-pointer register ends the walk instead of reading elsewhere. With optimization
// the acquisition is inlined into the user's function, whose address the pc is: no walk.
// Defined only where it is used, so every definition is the same (no ODR trap in a
// program that mixes -O0 and -O2 files: an -O2 copy of a caller just has no walk).
#if !defined(__OPTIMIZE__) && (defined(__x86_64__) || defined(__aarch64__))
#  define LOCKORDER_WALK_CALLERS 1
// A garbage frame pointer may point into a redzone of the stack: not a bug to report.
__attribute__((no_sanitize("address", "hwaddress"))) inline void walk_callers(
    thread_state& t, held_entry& e) noexcept {
  if (!t.stack_top) find_stack_top(t);
  const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  std::uintptr_t fp = here;
  std::uint32_t n = 0;
  if (here < t.stack_low || here >= t.stack_top) fp = 0;  // not on the thread's stack
  // From the caller of the function the acquisition is inlined into, up.
  for (bool own = true; fp && n < held_frames; own = false) {
    if (fp < here || fp + 2 * sizeof(void*) > t.stack_top || fp % alignof(void*)) break;
    void* const* frame = reinterpret_cast<void* const*>(fp);
    if (!own) e.frames[n++] = frame[1];  // the return address into the next caller
    const auto next = reinterpret_cast<std::uintptr_t>(frame[0]);
    if (next <= fp) break;
    fp = next;
  }
  e.nframes = n;
}
#else
#  define LOCKORDER_WALK_CALLERS 0
#endif

inline void push_entry(thread_state& t, const void* instance, std::uint32_t cls, unsigned mode,
                       std::source_location loc, void* pc, void* ret) {
  const std::uint32_t d = t.depth;
  held_entry& e = t.held[d];
  // The slot is reserved before it is filled, and its class set last: a lock taken
  // meanwhile on this thread (a signal handler's, or a report handler's while e is
  // validated) goes above it, and sees it as class 0, which nothing is ordered against.
  e.cls = 0;
  t.depth = d + 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if constexpr (LOCKORDER_STACKTRACE) {  // opted in: every held lock knows its callers
    void* raw[held_frames + 2];
    const int n = backtrace(raw, held_frames + 2);
    e.nframes = n > 2 ? static_cast<std::uint32_t>(n - 2) : 0;
    std::memcpy(e.frames, raw + 2, e.nframes * sizeof(void*));
    mode |= mode_frames;
  }
  e.instance = instance;
  e.mode = mode;
  e.loc = loc;
  e.pc = pc;
  e.ret = ret;
  e.key = key_at(t, d, cls, mode);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  e.cls = cls;
  // A lone lock has nothing to be ordered against: no look-up.
  if (d && t.cache[cache_index(e.key)] != e.key) [[unlikely]]
    check_chain(t, e);  // may throw (throw mode): then the slot is given back
}

// An address in the function the acquisition is inlined into: with optimization, the
// user's function, even through std::lock_guard. Symbolized only when reported.
[[gnu::always_inline]] inline void* current_pc() noexcept {
#if defined(__x86_64__)
  void* pc;
  asm("lea 0(%%rip), %0" : "=r"(pc));
  return pc;
#else
  return __builtin_return_address(0);
#endif
}

// Inline: the cached case is a few loads and stores; the rest is out of line.
[[gnu::always_inline]] inline void acquire(lock_state& s, const void* instance,
                                           std::uint32_t cls, unsigned subclass, unsigned mode,
                                           std::source_location loc) {
  (void)s;
  thread_state& t = tls;
  void* const pc = current_pc();
  void* const ret = __builtin_return_address(0);
#if LOCKORDER_WALK_CALLERS
  if (!LOCKORDER_STACKTRACE && t.depth < LOCKORDER_MAX_HELD) {  // else push_entry's stack
    walk_callers(t, t.held[t.depth]);
    mode |= mode_frames;
  }
#endif
  if (t.depth >= t.gate || subclass || !cls) [[unlikely]]
    return acquire_slow(instance, cls, subclass, mode, loc, pc, ret);
  push_entry(t, instance, cls, mode, loc, pc, ret);
}

inline void wait_point(const void* instance, std::uint32_t cls, unsigned mode,
                       const std::source_location& loc) {
  thread_state& t = tls;
  if (t.depth >= LOCKORDER_MAX_HELD || !cls) return;
  if (!t.tid) first_acquisition(t);
  if (t.depth == 0) return;  // nothing held: nothing to learn or check
  // Validated as an entry on top of the held stack, then dropped: never held.
  push_entry(t, instance, cls, mode, loc, current_pc(), __builtin_return_address(0));
  --t.depth;
}

inline void mark_held(lock_state& s, unsigned mode) noexcept {
  if ((mode & mode_kind_mask) == mode_exclusive)
    s.owner.store(tls.tid, std::memory_order_relaxed);  // acquire() gave the thread an id
  else
    s.readers.fetch_add(1, std::memory_order_relaxed);
}

// Shared: released by unlock_shared() (else by unlock()). A release of the wrong kind
// goes to the slow path, which reports it: the same compare as before, no added cost.
template <bool Shared>
inline bool release(lock_state& s, const void* instance, const class_desc* cls,
                    std::source_location loc) {
  thread_state& t = tls;
  const std::uint32_t d = t.depth;
  if (d && t.held[d - 1].instance == instance) [[likely]] {  // released in LIFO order
    if (((t.held[d - 1].mode & mode_kind_mask) == mode_exclusive) != Shared) [[likely]] {
      if constexpr (Shared)
        s.readers.fetch_sub(1, std::memory_order_relaxed);
      else
        s.owner.store(0, std::memory_order_relaxed);
      t.depth = d - 1;
      return true;
    }
  }
  return release_slow(s, instance, cls, loc, Shared);
}

// An own class is reclaimed with its lock, unless the lock dies held (another thread
// may have it on its held stack: the class stays).
inline void destroy(lock_state& s, const void* instance, const class_desc* cls) noexcept {
  const std::uint32_t owner = s.owner.load(std::memory_order_relaxed);
  const std::uint32_t readers = s.readers.load(std::memory_order_relaxed);
  if (!owner && !readers) {
    if (s.own_class) [[unlikely]]
      drop_own_class(s);
    return;
  }
  // Set by the holder's first acquisition, which came before it marked the lock held.
  if (const destroy_report_fn report = destroy_report.load(std::memory_order_acquire))
    report(s, instance, cls, owner, readers);
}

inline constexpr std::uint32_t untracked_context = 0xffffffffu;

inline std::uint32_t innermost_context(const thread_state& t) noexcept {
  return t.ctx_live ? 64u - static_cast<std::uint32_t>(std::countl_zero(t.ctx_live)) : 0u;
}

void assertion_report(lock_state& s, const void* instance, const class_desc* cls, bool want_held,
                      std::source_location loc);
inline void assert_held(lock_state& s, const void* instance, const class_desc* cls, bool want_held,
                        std::source_location loc) {
  const thread_state& t = tls;
  bool held = false;
  for (std::uint32_t i = t.depth; i-- > 0 && !held;) held = t.held[i].instance == instance;
  if (held != want_held) [[unlikely]]
    assertion_report(s, instance, cls, want_held, loc);
}

inline std::uint32_t context_enter(std::uint32_t parent, const std::source_location& loc) {
  thread_state& t = tls;
  if (parent == untracked_context) return untracked_context;
  const std::uint32_t top = innermost_context(t);
  if (parent != top) stale_report(parent, top, loc);
  const std::uint32_t d = top + 1;
  if (d > 64) return untracked_context;
  t.ctx_live |= std::uint64_t{1} << (d - 1);
  return d;
}

inline void context_leave(std::uint32_t depth) noexcept {
  if (depth >= 1 && depth <= 64) tls.ctx_live &= ~(std::uint64_t{1} << (depth - 1));
}

inline void context_check(std::uint32_t depth, const std::source_location& loc) {
  if (depth == untracked_context) return;
  const std::uint32_t top = innermost_context(tls);
  if (depth != top) stale_report(depth, top, loc);
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
