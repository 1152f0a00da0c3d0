// lockorder/detail/rt_misuse.hpp — the validator's cold half, part 3: releases and their
// slow path (bad and wrong-kind unlocks), locks destroyed or held at thread exit, stale
// contexts, assertions, and the hooks for tests (reset_validator, counters). The last
// layer: validator.hpp (header-only) and validator.ipp include it. Internal: not a stable
// interface. Compiled like rt_registry.hpp.
#pragma once

#include <lockorder/detail/rt_reclaim.hpp>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

LOCKORDER_COLD void remove_held(thread_state& t, std::uint32_t i) noexcept {
  for (std::uint32_t j = i; j + 1 < t.depth; ++j) {
    t.held[j] = t.held[j + 1];
    t.held[j].key = key_at(t, j, t.held[j].cls, t.held[j].mode);
  }
  --t.depth;
}

LOCKORDER_COLD void forget(const void* instance) noexcept {
  thread_state& t = tls;
  for (std::uint32_t i = t.depth; i-- > 0;)
    if (t.held[i].instance == instance) return remove_held(t, i);
}

[[gnu::noinline]] LOCKORDER_COLD bool release_slow(lock_state& s, const void* instance,
                                          const class_desc* cls, std::source_location loc,
                                          bool shared) {
  thread_state& t = tls;
  std::uint32_t held_at = t.depth;  // where this thread holds it in the other mode
  for (std::uint32_t i = t.depth; i-- > 0;) {
    if (t.held[i].instance != instance) continue;
    if (((t.held[i].mode & mode_kind_mask) != mode_exclusive) != shared) {
      held_at = i;
      break;
    }
    if (shared)
      s.readers.fetch_sub(1, std::memory_order_relaxed);
    else
      s.owner.store(0, std::memory_order_relaxed);
    if (i + 1 == t.depth)
      --t.depth;
    else
      remove_held(t, i);
    return true;
  }
  // One of the locks past LOCKORDER_MAX_HELD (an exclusive one must be this thread's).
  if (held_at == t.depth && t.untracked &&
      (shared || s.owner.load(std::memory_order_relaxed) == t.tid)) {
    --t.untracked;
    if (shared)
      s.readers.fetch_sub(1, std::memory_order_relaxed);
    else
      s.owner.store(0, std::memory_order_relaxed);
    return true;
  }
  validator_state* v = state();
  // No tables, or inside the validator: a lock not held is released as before; one held
  // in the other mode is not.
  if (!v || t.busy) return held_at == t.depth;
  if (!t.tid) first_acquisition(t);
  const std::uint32_t owner = s.owner.load(std::memory_order_relaxed);
  const std::uint32_t id = class_of(s, *cls);  // may register the class: before taking big_lock
  report_misuse(t, *v, report_kind::bad_unlock, [&](report& r) {
    r.has_acquiring = true;
    if (held_at != t.depth) r.taken_at = held_info(*v, t.held[held_at]).acquired_at;
    if (held_at != t.depth)
      r.message = "lockorder: " + r.thread + " releases with " +
                  (shared ? "unlock_shared() a lock it holds exclusively"
                          : "unlock() a lock it holds shared") +
                  "; the unlock is not performed and the lock stays held (release it with " +
                  (shared ? "unlock()" : "unlock_shared()") + ").";
    else
      r.message = "lockorder: " + r.thread + " releases a lock it does not hold (" +
                (owner ? "held by " + thread_label(*v, owner)
                       : std::string(s.readers.load() ? "held shared by other threads"
                                                      : "not held at all")) +
                "); the unlock is not performed.";
    stack_capture st;
    st.take();
    r.acquiring = make_lock_info(*v, id, 0, instance,
                                 make_site(loc, nullptr, nullptr, st.frames(), st.size(frames_per_edge)));
    return true;
  });
  return false;
}


LOCKORDER_COLD void destroyed_while_held(lock_state& s, const void* instance, const class_desc* cls,
                                 std::uint32_t owner, std::uint32_t readers) noexcept {
  thread_state& t = tls;
  held_entry taken{};  // this thread's record of it, for where it was taken
  bool holds = false;
  for (std::uint32_t i = t.depth; i-- > 0;)
    if (t.held[i].instance == instance) {
      taken = t.held[i];
      holds = true;
      remove_held(t, i);  // do not leave a dangling record behind
      break;
    }
  validator_state* v = state();
  if (!v || t.busy) return;
  if (!t.tid) first_acquisition(t);
  const std::uint32_t id = class_of(s, *cls);
  report_misuse(t, *v, report_kind::destroyed_while_held, [&](report& r) {
    r.has_acquiring = true;
    if (holds) r.taken_at = held_info(*v, taken).acquired_at;
    stack_capture st;
    st.take();
    r.acquiring = make_lock_info(*v, id, 0, instance,
                                 make_site({}, nullptr, nullptr, st.frames(), st.size(frames_per_edge)));
    r.message = "lockorder: a lock is destroyed while " +
                (owner ? thread_label(*v, owner) + " holds it"
                       : std::to_string(readers) + " reader(s) hold it") + ".";
    return true;
  }, /*quiet=*/true);
}


LOCKORDER_COLD exit_hook::~exit_hook() {
  // The main thread's thread_local objects die in exit(): main has returned, and its
  // locals, which a report handler may have captured, are gone (report.hpp: watch_exit).
  if (getpid() == gettid()) detail::main_exiting();
  thread_state& t = tls;
  validator_state* v = state();
  if (t.depth && v) {
    report_misuse(t, *v, report_kind::held_at_thread_exit, [&](report& r) {
      r.message = "lockorder: " + r.thread + " exits holding " + std::to_string(t.depth) +
                  (t.depth == 1 ? " lock." : " locks.");
      return true;
    }, /*quiet=*/true);
  }
  t.depth = 0;  // the thread is gone: nothing it held is held by it any more
  if (v) {  // first_acquisition() linked it
    tables_lock lock(t);
    (t.prev_thread ? t.prev_thread->next_thread : thread_list) = t.next_thread;
    if (t.next_thread) t.next_thread->prev_thread = t.prev_thread;
  }
}

// ---- stale contexts -------------------------------------------------------------------


LOCKORDER_COLD void stale_report(std::uint32_t used, std::uint32_t innermost,
                         const std::source_location& loc) {
  thread_state& t = tls;
  if (t.busy) return;
  validator_state* v = state();
  if (!v) return;
  if (!t.tid) first_acquisition(t);
  report_misuse(t, *v, report_kind::stale_context, [&](report& r) {
    if (!first_report(*v, report_kind::stale_context,
                      reinterpret_cast<std::uintptr_t>(loc.file_name()), loc.line()))
      return false;
    {
      const site at = make_site(loc, nullptr, nullptr);
      r.message = "lockorder: a context of depth " + std::to_string(used) +
                  " was used at " + detail::describe_site(at) + ", but the thread's innermost "
                  "context has depth " + std::to_string(innermost) +
                  (used == 0 ? ": unlocked() was called while locks taken through contexts are "
                               "held, so its compile-time checks cannot see them."
                             : ": a lock was taken through this context and is still held, so "
                               "its type no longer says what the thread holds. Use the newest "
                               "guard.");
    }
    return true;
  });
}

// ---- assertions -----------------------------------------------------------------------

LOCKORDER_COLD void assertion_report(lock_state& s, const void* instance, const class_desc* cls,
                                     bool want_held, std::source_location loc) {
  thread_state& t = tls;
  if (t.busy) return;
  validator_state* v = state();
  if (!v) return;
  if (!t.tid) first_acquisition(t);
  const std::uint32_t owner = s.owner.load(std::memory_order_relaxed);
  const std::uint32_t readers = s.readers.load(std::memory_order_relaxed);
  const std::uint32_t id = class_of(s, *cls);  // may register the class: before big_lock
  report_misuse(t, *v, report_kind::assertion_failed, [&](report& r) {
    r.has_acquiring = true;
    r.acquiring = make_lock_info(*v, id, 0, instance, make_site(loc, nullptr, nullptr));
    std::string who = owner == t.tid && owner ? "this thread"
                      : owner                 ? thread_label(*v, owner)
                      : readers               ? std::to_string(readers) + " reader(s)"
                                              : "no thread";
    r.message = want_held
                    ? "lockorder: " + r.thread + " asserts that it holds " +
                          r.acquiring.class_name + ", and it does not (held by " + who + ")."
                    : "lockorder: " + r.thread + " asserts that it does not hold " +
                          r.acquiring.class_name + ", and it does.";
    return true;
  });
}

// ---- tests (detail/testing.hpp) --------------------------------------------------------

// Empties every table: classes, edges, sites, validated chains, reports made, full tables.
// lockorder::reset_validator(): as reset_tables(), for a program's test suite. Refused,
// with a report, while any thread holds a lock (that thread's held stack would name
// classes that no longer exist). Static classes register again at their next use (their
// cached ids are cleared), with their declared orders; every thread's chain cache is
// emptied.
LOCKORDER_COLD bool reset_validator(const std::source_location& loc) {
  thread_state& t = tls;
  validator_state* v = state();
  if (!v || t.in_tables) return false;
  if (!t.tid) first_acquisition(t);
  std::uint32_t holder = 0, held = 0;
  {
    tables_lock lock(t);
    for (thread_state* th = thread_list; th && !holder; th = th->next_thread)
      if (th->depth) holder = th->tid, held = th->depth;
    if (!holder) {
      for (std::uint32_t id = 1; id <= v->classes && id <= LOCKORDER_MAX_CLASSES; ++id)
        if (v->cls[id].publish) v->cls[id].publish->store(0, std::memory_order_release);
      char names[max_threads_named][16];
      std::memcpy(names, v->thread_names, sizeof names);  // threads keep their names
      std::memset(static_cast<void*>(v), 0, sizeof *v);
      std::memcpy(v->thread_names, names, sizeof names);
      clear_chain_set();
      learning.store(true, std::memory_order_relaxed);
      for (thread_state* th = thread_list; th; th = th->next_thread) {
        std::memset(th->cache, 0, sizeof th->cache);
        th->untracked = 0;
      }
      return true;
    }
  }
  report_misuse(t, *v, report_kind::assertion_failed, [&](report& r) {
    r.message = "lockorder: reset_validator() at " +
                detail::describe_site(make_site(loc, nullptr, nullptr)) + " while " +
                thread_label(*v, holder) + " holds " + std::to_string(held) +
                (held == 1 ? " lock" : " locks") +
                "; nothing was reset (release every lock first).";
    return true;
  });
  return false;
}

LOCKORDER_COLD void read_counters(std::uint64_t* out) noexcept {
  thread_state& t = tls;
  validator_state* v = state();
  if (!v || t.in_tables) return;
  tables_lock lock(t);
  out[0] = v->edges_lost;
  out[1] = v->uncached_validations;
  out[2] = v->reclaimed;
  out[3] = v->flushes;
  std::uint64_t reclaimed = 0;  // slots free (or retired), not in use
  for (std::uint32_t i = 1; i <= v->classes; ++i) reclaimed += v->cls[i].dead;
  out[4] = v->classes - reclaimed;
  out[5] = v->graph.live_edges();
}

LOCKORDER_COLD void reset_tables() noexcept {
  big_lock.lock();
  if (validator_state* v = state())
    std::memset(static_cast<void*>(v), 0, sizeof *v);  // zero is the empty state (calloc)
  clear_chain_set();
  learning.store(true, std::memory_order_relaxed);
  big_lock.unlock();
}

// A class's name as reports give it ("?" for none).
LOCKORDER_COLD std::string class_name_of(std::uint32_t id) {
  validator_state* v = state();
  return v && id ? std::string(v->cls[id].name) : std::string("?");
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
