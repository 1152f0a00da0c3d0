// lockorder/detail/rt_reclaim.hpp — the validator's cold half, part 3: own classes
// (own_class: per-instance, lockdep's dynamic keys) reclaimed when their lock or wait
// object dies.
//
// Reclaiming class X (O(X's degree), under the validator's lock; no other thread's cached
// acquisition waits for it): every path A -> X -> B is kept as a dependency A -> B (the
// order it proved still binds A's and B's locks; reports say it was learned through a
// reclaimed class), X's edges in both directions are removed (their slots and stacks are
// used again), the rejected dependencies that name it are dropped, and X's slot is free
// at once, for a class of the next generation (rt_tables.hpp: class_index): chain keys
// and reported pairs name classes by id, so the ones that named X never match the new
// class, in the global chain set or in any thread's cache, and no thread's cache needs
// to be touched. The global set is emptied when it is full and some class was reclaimed
// since it was last emptied (then each chain is validated once more: its edges exist, no
// new report), and the reported pairs of reclaimed classes are dropped with it. A slot
// whose generations run out (2^32 / LOCKORDER_MAX_CLASSES classes) is not used again.
// Internal: not a stable interface. Compiled like rt_registry.hpp.
#pragma once

#include <lockorder/detail/rt_validation.hpp>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// Empties the global chain set (under big_lock; readers may race with it: a key they
// miss is validated again).
LOCKORDER_COLD void clear_chain_set() noexcept {
  for (std::size_t i = 0; i < LOCKORDER_MAX_CHAINS; ++i)
    chain_slot(i).store(0, std::memory_order_relaxed);
  chain_count.store(0, std::memory_order_relaxed);
}

// Under big_lock, when the chain set is full: empties it if a class was reclaimed since
// it was last emptied (it holds keys that can never match again), with the reported
// pairs that name a reclaimed class. False if not (the set is full of live chains).
LOCKORDER_COLD bool flush_chain_set(validator_state& v) noexcept {
  if (!v.reclaimed_since_flush) return false;
  clear_chain_set();
  auto stale = [&](std::uint32_t id) { return id && v.cls[id].id != id; };
  for (std::size_t i = 0; i < reported_size; ++i)
    while (!v.reported.empty_at(i) &&
           (stale(v.reported.slots[i].a) || stale(v.reported.slots[i].b))) {
      v.reported.erase(i, [](const reported_pair& p) { return p.key; });
      --v.reported_n;
    }
  v.reclaimed_since_flush = 0;
  ++v.flushes;
  return true;
}

// Under big_lock: a free slot's next id, the entry zeroed.
LOCKORDER_COLD std::uint32_t reuse_class_slot(validator_state& v) noexcept {
  const std::uint32_t slot = v.free_slots;
  class_entry& c = v.cls[slot];
  const std::uint32_t id = c.id;
  v.free_slots = c.next_free;
  c = class_entry{};
  c.id = id;
  return id;
}

// Under big_lock: the dependency in -> out's middle class, as one from in.from to out.to.
// Kinds: A's side of `in`, B's side of `out`; no path when X is left and entered as a
// recursive reader (two readers never wait for each other).
LOCKORDER_COLD void keep_bridge(validator_state& v, std::uint32_t in, std::uint32_t out,
                                std::vector<report>& reports) {
  const auto& a = v.graph.edge_at(in);
  const auto& b = v.graph.edge_at(out);
  const std::uint32_t from = a.from, to = b.to;
  for (unsigned k1 = 0; k1 < 4; ++k1) {
    if (!(a.kinds & (1u << k1))) continue;
    for (unsigned k2 = 0; k2 < 4; ++k2) {
      if (!(b.kinds & (1u << k2)) || ((k1 & 1) && k2 >= 2)) continue;
      std::size_t path_len = 0;
      std::uint32_t index = 0;
      using res_t = decltype(v.graph)::result;
      const res_t res = v.graph.add_edge(from, to, edge_kind(k1 >= 2, k2 & 1), v.path, path_len,
                                         index);
      if (res == res_t::added) {
        const edge_site& sa = v.sites[in];
        const edge_site& sb = v.sites[out];
        edge_site& s = v.sites[index];
        s = sb;  // where `to` was taken, by whom
        s.from_loc = sa.from_loc;
        s.from_pc = sa.from_pc;
        s.from_ret = sa.from_ret;
        s.how = lock_op::acquire;
        s.why = nullptr;
        s.chains = 1;
        s.through_reclaimed = true;
        keep_frames(v, index, edge_frames(v, out), sb.frames_n, edge_from_frames(v, in),
                    sa.from_frames_n);
      } else if (res == res_t::full) {
        ++v.edges_lost;
        say_limit(v, full_table::edges, reports, v.cls[from].name, v.cls[to].name);
      }  // cycle: A -> X -> B closed no cycle, so neither can A -> B; existed: known
    }
  }
}

// Under big_lock: reclaims class x (see the top of this file).
LOCKORDER_COLD void reclaim_locked(validator_state& v, std::uint32_t x, std::vector<report>& out) {
  const std::uint32_t n = class_index(x);
  for (std::uint32_t i = v.graph.first_in(n); i; i = v.graph.edge_at(i - 1).next_in) {
    if (v.graph.edge_at(i - 1).from == n) continue;
    for (std::uint32_t o = v.graph.first_out(n); o; o = v.graph.edge_at(o - 1).next_out) {
      const std::uint32_t b = v.graph.edge_at(o - 1).to;
      if (b != n && b != v.graph.edge_at(i - 1).from) keep_bridge(v, i - 1, o - 1, out);
    }
  }
  v.graph.isolate_node(n);
  for (std::uint32_t i = 0; i < v.rejected_n;)
    if (class_index(v.rejected[i].from) == n || class_index(v.rejected[i].to) == n)
      v.rejected[i] = v.rejected[--v.rejected_n];
    else
      ++i;
  class_entry& c = v.cls[n];
  c.dead = true;
  c.owner = nullptr;
  ++v.reclaimed;
  ++v.reclaimed_since_flush;
  if (x > UINT32_MAX - class_generation) return;  // its generations ran out: retired
  c.id = x + class_generation;
  c.next_free = v.free_slots;
  v.free_slots = n;
}

LOCKORDER_COLD void drop_own_class(lock_state& s) noexcept {
  const std::uint32_t id = s.own_class;
  s.own_class = 0;
  validator_state* v = state();
  thread_state& t = tls;
  // In a signal handler that interrupted the validator, the class stays (unreclaimed).
  if (id == 0 || id == unrecorded_class || !v || t.in_tables) return;
  std::vector<report> reports;
  {
    tables_lock lock(t);
    class_entry& c = v->cls[id];
    if (c.dead || c.id != id || c.owner != &s) return;  // reset_validator() forgot it
    for (std::uint32_t k = 0; k < LOCKORDER_MAX_SUBCLASSES; ++k) {  // its nesting subclasses
      const std::uint32_t sub = std::atomic_ref<std::uint32_t>(c.subs[k]).load();
      if (sub && sub != unrecorded_class && v->cls[sub].base == id) reclaim_locked(*v, sub, reports);
    }
    reclaim_locked(*v, id, reports);
  }
#if LOCKORDER_EXCEPTIONS
  try {
    deliver_all(reports, false);
  } catch (...) {
  }
#else
  deliver_all(reports, false);
#endif
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
