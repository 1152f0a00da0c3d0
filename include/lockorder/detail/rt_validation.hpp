// lockorder/detail/rt_validation.hpp — the validator's cold half, part 2: validation of
// a new chain (edges, levels, recursion, cycles) and the slow paths of acquisitions.
// Internal: not a stable interface. Compiled like rt_registry.hpp.
#pragma once

#include <lockorder/detail/rt_registry.hpp>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {
// ---- validation of a new chain ----------------------------------------------------------

LOCKORDER_COLD dependency edge_dependency(const validator_state& v, std::uint32_t index) {
  const auto& e = v.graph.edge_at(index);
  const edge_site& s = v.sites[index];
  dependency d;
  const bool from_r = !(e.kinds & (edge_nn | edge_nr)), to_r = !(e.kinds & (edge_nn | edge_rn));
  d.from = make_lock_info(v, e.from, from_r ? mode_recursive_read : 0, nullptr,
                          make_site(s.from_loc, s.from_pc, s.from_ret,
                                    edge_from_frames(v, index), s.from_frames_n));
  d.to = make_lock_info(v, e.to, to_r ? mode_recursive_read : 0, nullptr, {});
  d.first_seen = make_site(s.loc, s.pc, s.ret, edge_frames(v, index), s.frames_n);
  d.through_reclaimed = s.through_reclaimed;
  d.to.acquired_at = d.first_seen;
  d.from_acquired_at = d.from.acquired_at;
  d.how = s.how;
  if (s.how == lock_op::complete) {  // `from` was signalled at loc; `to` had been taken
    d.from.op = lock_op::complete;
    d.to.acquired_at = d.from.acquired_at;
  } else if (s.how == lock_op::wait) {
    d.to.op = lock_op::wait;
  }
  d.thread = s.tid ? thread_label(v, s.tid) : std::string();
  if (s.why) {
    d.declared = true;
    d.rationale = s.why;
  }
  return d;
}

// The stack of the acquisition being validated, minus validate() and acquire().
struct stack_capture {
  static constexpr int skip = 3;
  void* raw[64];
  int n = -1;
  void take() {
    if (n < 0) n = backtrace(raw, 64);
  }
  void* const* frames() const { return raw + skip; }
  std::size_t size(std::size_t most) const {
    return n > skip ? std::min<std::size_t>(static_cast<std::size_t>(n - skip), most) : 0;
  }
};

// Under big_lock: keeps the stacks of new edge `index` (to's, then from's).
LOCKORDER_COLD void keep_frames(validator_state& v, std::uint32_t index, void* const* to,
                                std::size_t to_n, void* const* from, std::size_t from_n) {
  edge_site& s = v.sites[index];
  s.frames_n = static_cast<std::uint32_t>(std::min(to_n, frames_per_edge));
  s.from_frames_n = static_cast<std::uint32_t>(std::min(from_n, held_frames));
  void** at = v.frames + std::size_t{index} * frames_per_slot;
  std::memcpy(at, to, s.frames_n * sizeof(void*));
  std::memcpy(at + frames_per_edge, from, s.from_frames_n * sizeof(void*));
}

// Under big_lock: checks entry `e` against the thread's held entries and records edges.
// First held entry of e's lock_all() group (entries from there up share the group), or
// n (e's index) when e is not a group member.
LOCKORDER_COLD std::uint32_t group_start(const thread_state& t, const held_entry& e,
                                 std::uint32_t n) noexcept {
  if (!(e.mode & mode_group_next)) return n;
  std::uint32_t group = n ? n - 1 : 0;
  while (group > 0 && (t.held[group].mode & mode_group_next)) --group;
  return group;
}

// Held entries that e may deadlock on as AA: held[i] is of e's class, not exempt
// (another member of e's lock_all() group, another lock taken by a try-lock, a recursive
// reader over a recursive reader), and not released by e (a condvar wait's own mutex).
// A completion signalled inside its signalling section is no AA: none for mode_complete.
LOCKORDER_COLD std::uint32_t aa_checked(const held_entry& e, std::uint32_t n) noexcept {
  if (e.mode & mode_complete) return 0;
  return e.mode & mode_skip_top && n > 0 ? n - 1 : n;
}
LOCKORDER_COLD bool aa_candidate(const held_entry& h, std::uint32_t i, const held_entry& e,
                         std::uint32_t group) noexcept {
  if (h.cls != e.cls) return false;
  const bool other = h.instance != e.instance;
  if (other && (i >= group || (e.mode & mode_try))) return false;
  return !((e.mode & mode_kind_mask) == mode_recursive_read &&
           (h.mode & mode_kind_mask) == mode_recursive_read);
}

// `check_instances`: set when e's class is held already, so that which locks are held,
// not only their classes, decides whether e is an AA (see instance_check_key).
LOCKORDER_COLD void validate_locked(validator_state& v, thread_state& t, held_entry& e,
                            stack_capture& stack, std::vector<report>& out,
                            bool& check_instances) {
  // Entries held below e (e itself is on the stack already: its slot is reserved).
  const std::uint32_t n = static_cast<std::uint32_t>(&e - t.held);
  const class_entry& ec = v.cls[e.cls];
  const bool is_try = e.mode & mode_try;
  const bool e_reader = (e.mode & mode_kind_mask) == mode_recursive_read;
  const std::uint32_t group = group_start(t, e, n);
  auto acquiring_info = [&] {
    return make_lock_info(v, e.cls, e.mode, e.instance,
                          make_site(e.loc, e.pc, e.ret, stack.frames(),
                                    stack.size(frames_per_edge)));
  };

  const bool is_wait = e.mode & mode_wait;
  const bool is_complete = e.mode & mode_complete;
  if (e.mode & (mode_wait | mode_complete | mode_section)) v.cls[e.cls].completion = true;
  const std::uint32_t below = e.mode & mode_skip_top && group > 0 ? group - 1 : group;

  // 1. The same class again: AA on this very lock, or possible recursive locking. (A
  //    completion may be signalled while held: its signalling section.) The very lock
  //    first: that one deadlocks now, whatever other lock of the class is held too.
  const std::uint32_t checked = aa_checked(e, n);
  for (std::uint32_t i = 0; i < n; ++i) check_instances |= t.held[i].cls == e.cls;
  std::uint32_t aa = checked;
  for (int pass = 0; pass < 2 && aa == checked; ++pass)
    for (std::uint32_t i = 0; i < checked && aa == checked; ++i) {
      const bool same = t.held[i].instance == e.instance;
      if (same == (pass == 0) && aa_candidate(t.held[i], i, e, group) &&
          first_report(v, report_kind::recursive_lock, e.cls, same))
        aa = i;
    }
  if (aa != checked) {
    const held_entry& h = t.held[aa];
    report r = base_report(v, t, report_kind::recursive_lock, n);
    r.has_acquiring = true;
    r.acquiring = acquiring_info();
    r.message = is_wait
        ? "lockorder: " + r.thread + " waits for " + ec.name +
              " inside a signalling section of it: it waits for itself."
        : h.instance == e.instance
        ? "lockorder: " + r.thread + " takes " + ec.name +
              " again while holding this very lock: it will deadlock on itself."
        : "lockorder: " + r.thread + " takes a second lock of class " + ec.name +
              " while holding one; if the nesting is deliberate, take it with lock_nested(N) or "
              "lock_all(), else two threads doing this in opposite orders deadlock.";
    out.push_back(std::move(r));
  }

  // 2. Declared levels: reported at once, even before any cycle exists. Locks held when
  //    signalling a completion must rank above it (the waiter may hold lower ones).
  auto level_broken = [&](const class_entry& hc) {
    return ec.ranked && hc.ranked && hc.family != ec.family &&
           (is_complete ? hc.level <= ec.level : hc.level >= ec.level);
  };
  // A signal made inside another completion's signalling section (a lockorder::thread's
  // body is its exit's section) depends on nothing there: a section is entered without
  // waiting, so the waiter of e never waits for it. No level check, no edge e -> section.
  auto ignored = [&](const held_entry& h) { return is_complete && (h.mode & mode_section); };
  std::uint32_t worst = n;
  if (ec.ranked && !is_try) {
    for (std::uint32_t i = 0; i < below; ++i) {
      const class_entry& hc = v.cls[t.held[i].cls];
      if (!ignored(t.held[i]) && level_broken(hc) && (worst == n || (is_complete
                                                        ? hc.level < v.cls[t.held[worst].cls].level
                                                        : hc.level > v.cls[t.held[worst].cls].level)))
        worst = i;
    }
    if (worst != n &&
        first_report(v, report_kind::order_violation, v.cls[t.held[worst].cls].family,
                     ec.family)) {
      const held_entry& h = t.held[worst];
      report r = base_report(v, t, report_kind::order_violation, n);
      r.has_acquiring = true;
      r.acquiring = acquiring_info();
      dependency d;
      d.from = held_info(v, h);
      d.to = r.acquiring;
      d.how = r.acquiring.op;
      d.first_seen = r.acquiring.acquired_at;
      d.from_acquired_at = d.from.acquired_at;
      d.thread = r.thread;
      const std::string held_desc = d.from.class_name + " (level " +
                                    std::to_string(d.from.level) + ")";
      const std::string this_desc = r.acquiring.class_name + " (level " +
                                    std::to_string(ec.level) + ")";
      r.message = is_complete
          ? "lockorder: " + r.thread + " signals " + this_desc + " while holding " + held_desc +
                "; a waiter may hold " + d.from.class_name + ": release it before signalling."
          : "lockorder: " + r.thread + (is_wait ? " waits for " : " acquires ") + this_desc +
                " while holding " + held_desc + "; " + r.acquiring.class_name +
                (is_wait ? " must be waited for first." : " must be taken first.");
      r.chain.push_back(std::move(d));
      out.push_back(std::move(r));
    }
  }

  // 3. Learn `from` -> `to`; on a cycle, report it with every edge's first-seen site.
  //    `reverse`: the completion e -> a held lock h (signalled while h is held).
  auto learn = [&](const held_entry& h, bool reverse) -> bool {
    const class_entry& hc = v.cls[h.cls];
    // A level break is reported, not learned; class 0 (not registered: the class table
    // was full) is no node of the graph.
    if (h.cls == e.cls || !h.cls || h.cls == unrecorded_class || level_broken(hc)) return true;
    const bool h_reader = (h.mode & mode_kind_mask) == mode_recursive_read;
    const std::uint32_t from = reverse ? e.cls : h.cls, to = reverse ? h.cls : e.cls;
    std::size_t path_len = 0;
    std::uint32_t index = 0;
    const std::uint8_t seen_as = reverse ? edge_kind(false, h_reader) : edge_kind(h_reader, e_reader);
    const auto res =
        v.graph.add_edge(class_index(from), class_index(to), seen_as, v.path, path_len, index);
    using res_t = decltype(res);
    if (res == res_t::existed || res == res_t::extended) ++v.sites[index].chains;
    if (res == res_t::added) {
      edge_site& s = v.sites[index];
      s = {};  // the slot may have been a reclaimed class's edge
      s.chains = 1;
      s.loc = e.loc;
      s.from_loc = h.loc;
      s.pc = e.pc;
      s.ret = e.ret;
      s.from_pc = h.pc;
      s.from_ret = h.ret;
      s.tid = t.tid;
      s.how = reverse ? lock_op::complete : is_wait ? lock_op::wait : lock_op::acquire;
      keep_frames(v, index, stack.frames(), stack.size(frames_per_edge), h.frames,
                  h.frame_count());
    } else if (res == res_t::cycle) {
      bool all_declared = path_len > 0;
      for (std::size_t k = 0; k < path_len; ++k) all_declared &= v.sites[v.path[k]].why != nullptr;
      const report_kind kind =
          all_declared ? report_kind::order_violation : report_kind::circular_dependency;
      if (first_report(v, kind, from, to)) {
        if (v.rejected_n < std::size(v.rejected)) {
          auto& rj = v.rejected[v.rejected_n++];
          rj.from = from;
          rj.to = to;
          rj.kinds = seen_as;
          rj.site = {e.loc, h.loc, e.pc, e.ret, h.pc, h.ret, 0, 0, t.tid,
                     reverse ? lock_op::complete : is_wait ? lock_op::wait : lock_op::acquire,
                     nullptr, 1, false};
        }
        report r = base_report(v, t, kind, n);
        r.has_acquiring = true;
        r.acquiring = acquiring_info();
        for (std::size_t k = 0; k < path_len; ++k)
          r.chain.push_back(edge_dependency(v, v.path[k]));
        dependency now;
        lock_info held = held_info(v, h);
        now.from = reverse ? r.acquiring : held;
        now.to = reverse ? held : r.acquiring;
        now.how = reverse ? lock_op::complete : r.acquiring.op;
        now.first_seen = r.acquiring.acquired_at;
        now.from_acquired_at = held.acquired_at;
        now.thread = r.thread;
        r.chain.push_back(std::move(now));
        const std::string& a = r.chain.back().from.class_name;
        const std::string& b = r.chain.back().to.class_name;
        r.message = "lockorder: " + r.thread +
                    (reverse ? " signals " + a + " while holding " + b
                             : (is_wait ? " waits for " : " acquires ") + b + " while holding " + a) +
                    (all_declared
                         ? ", but " + b + " is declared to be taken before " + a +
                               " (after<>): " + r.chain.front().rationale
                         : ", but " + b + " --> " + a + " was seen before: a cycle of " +
                               std::to_string(r.chain.size()) +
                               " dependencies, a possible deadlock.");
        out.push_back(std::move(r));
      }
    } else if (res == res_t::full) {  // not recorded; checked against what is
      ++v.edges_lost;
      say_limit(v, full_table::edges, out, v.cls[from].name, v.cls[to].name);
    }
    return true;
  };

  if (is_complete) {  // the completion depends on every lock its signaller holds
    for (std::uint32_t i = n; i-- > 0;)
      if (!ignored(t.held[i]) && !learn(t.held[i], true)) return;
    return;
  }
  if (is_try) return;  // (a signalling section is entered like a try-lock)
  // The nearest held lock, and past it while the entry does not carry the order on:
  // try-locks, lock_all() group members, and recursive readers (a path through a
  // reader is not transitive under the recursive-read rule, so lower locks need their
  // own edge, as in lockdep).
  for (std::uint32_t i = below; i-- > 0;) {
    if (!learn(t.held[i], false)) return;
    const unsigned m = t.held[i].mode;
    if (!(m & (mode_try | mode_group_next)) && (m & mode_kind_mask) != mode_recursive_read)
      break;
  }
}

LOCKORDER_COLD void validate(thread_state& t, held_entry& e) {
  validator_state* v = state();
  if (!v) return;
  std::vector<report> reports;
  stack_capture stack;
  stack.take();  // outside the lock: the first call may load the unwinder
  e.nframes = static_cast<std::uint32_t>(stack.size(held_frames));
  std::memcpy(e.frames, stack.frames(), e.nframes * sizeof(void*));
  e.mode |= mode_frames;
  {
    tables_lock lock(t);
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      if (learning.load(std::memory_order_relaxed)) {
        bool check_instances = false;
        validate_locked(*v, t, e, stack, reports, check_instances);
        const std::uint64_t key = check_instances ? instance_check_key(e.key) : e.key;
        // Full: if it holds keys of reclaimed classes, empty it first (rt_reclaim.hpp).
        if (!chain_insert(key) && !(flush_chain_set(*v) && chain_insert(key))) {
          ++v->uncached_validations;  // validated again at its next acquisition
          say_limit(*v, full_table::chains, reports);
        }
      }
#if LOCKORDER_EXCEPTIONS
    } catch (const std::bad_alloc&) {
      // Building a report ran out of memory: say so without allocating, and go on.
      static const char msg[] = "lockorder: out of memory while building a report; report lost\n";
      std::fwrite(msg, 1, sizeof msg - 1, stderr);
    }
#endif
  }
  deliver_all(reports, !(e.mode & mode_try));
}

// ---- hooks ----------------------------------------------------------------------------

LOCKORDER_COLD void push_entry(thread_state& t, const void* instance, std::uint32_t cls, unsigned mode,
                       std::source_location loc, void* pc, void* ret);

// A report outside chain validation (misuse, thread exit, a full held stack): built
// under big_lock by `build`, which may decline it (returns false), and delivered after
// the lock is dropped. Out of memory while building: the report is lost, the program
// goes on. `quiet`: for noexcept callers, a handler's exception is swallowed too.
template <class Build>
void report_misuse(thread_state& t, validator_state& v, report_kind kind, Build&& build,
                   bool quiet = false) {
  if (t.in_tables) return;  // a signal handler, interrupting this thread's validator
  std::vector<report> reports;
  {
    tables_lock lock(t);
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      report r = base_report(v, t, kind, t.depth);
      if (build(r)) reports.push_back(std::move(r));
#if LOCKORDER_EXCEPTIONS
    } catch (...) {
    }
#endif
  }
#if LOCKORDER_EXCEPTIONS
  if (!quiet) return deliver_all(reports, false);
  try {
    deliver_all(reports, false);
  } catch (...) {
  }
#else
  (void)quiet;  // a handler cannot throw: nothing to swallow
  deliver_all(reports, false);
#endif
}

// The rare cases: too many locks held, the thread's first acquisition, a nesting
// subclass (its class id may need registering), a class the full table could not take.
[[gnu::noinline]] LOCKORDER_COLD void acquire_slow(const void* instance, std::uint32_t cls,
                                           unsigned subclass, unsigned mode,
                                           std::source_location loc, void* pc,
                                           void* ret) {
  thread_state& t = tls;
  if (t.depth >= LOCKORDER_MAX_HELD) {
    if (++t.untracked == 1 && !t.busy && learning.load(std::memory_order_relaxed)) {
      if (validator_state* v = state())
        report_misuse(t, *v, report_kind::limit_reached, [&](report& r) {
          if (std::exchange(v->said_full[std::size_t(full_table::held)], true)) return false;
          r.message = "lockorder: " + r.thread + " holds more than LOCKORDER_MAX_HELD (" +
                      std::to_string(LOCKORDER_MAX_HELD) + ") locks; deeper ones are not "
                      "validated.";
          return true;
        });
    }
    return;
  }
  if (!t.tid) first_acquisition(t);
  if (subclass && cls)
    if (validator_state* v = state()) cls = subclass_id(*v, cls, subclass);
  push_entry(t, instance, cls, mode, loc, pc, ret);
}

// A chain key this thread has not cached: look in the global set, else validate. A
// report thrown (throw mode) gives the reserved slot back: nothing was pushed.
[[gnu::noinline]] LOCKORDER_COLD void check_chain(thread_state& t, held_entry& e) {
  if (!e.cls || e.cls == unrecorded_class || t.busy || !learning.load(std::memory_order_relaxed))
    return;
  switch (chain_known(t, e.key)) {
    case chain_state::known:
      return;
    case chain_state::check_instances: {
      // Validate again only when a held lock of e's class makes it an AA: a program
      // already reported for it (lock_all() groups and try-locks stay on this path).
      const std::uint32_t n = static_cast<std::uint32_t>(&e - t.held);
      const std::uint32_t group = group_start(t, e, n), checked = aa_checked(e, n);
      bool again = false;
      for (std::uint32_t i = 0; i < checked && !again; ++i)
        again = aa_candidate(t.held[i], i, e, group);
      if (!again) return;
      break;
    }
    case chain_state::unknown:
      break;
  }
#if LOCKORDER_EXCEPTIONS
  try {
    validate(t, e);
  } catch (...) {
    t.depth = static_cast<std::uint32_t>(&e - t.held);
    throw;
  }
#else
  validate(t, e);
#endif
}


// Removes held[i] and recomputes the chain keys above it.
}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
