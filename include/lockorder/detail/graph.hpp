// lockorder/detail/graph.hpp — the class dependency graph of the run-time validator.
//
// Fixed capacity, no allocation, not thread-safe (the validator holds its lock).
// Nodes are class ids 1..MaxNodes-1. Each edge keeps the set of ways it was seen:
// whether `from` was held as a recursive reader (R) or not (N), and whether `to` was
// taken as one. A cycle is a deadlock only if it is *strong*: no lock on it is both
// entered by an edge that took it as a recursive reader and left by an edge that held
// it as one (lockdep's recursive-read rule; two readers never block each other).
//
// Cost (after absl's graphcycles, Pearce & Kelly's dynamic topological order): while the
// graph is a DAG, an edge that agrees with the current order is O(1); otherwise the
// search is bounded by the nodes between the two ranks. Once a harmless reader-only
// cycle exists no order can be kept, and every new edge pays one strong-path search.
// Nodes and edges can be removed (remove_edge, isolate_node: O(degree), for classes that
// are reclaimed); removing never breaks the order, and a freed edge slot is reused.
// Internal: not a stable interface. Tested against a naive model in tests/unit.
#pragma once

#include <lockorder/detail/fixed_hash_set.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace lockorder::detail {

// Edge kinds: bit (from_reader * 2 + to_reader).
inline constexpr std::uint8_t edge_nn = 1, edge_nr = 2, edge_rn = 4, edge_rr = 8;
constexpr std::uint8_t edge_kind(bool from_reader, bool to_reader) {
  return static_cast<std::uint8_t>(1u << (from_reader * 2 + to_reader));
}

template <std::size_t MaxNodes, std::size_t MaxEdges>
class dep_graph {
  static_assert(MaxNodes >= 2 && MaxEdges >= 1);
  // The edge index's slots: at least twice the edges, so it is never more than half full
  // and probe() always finds the key or an empty slot.
  static constexpr std::size_t hash_size = [] {
    std::size_t n = 1;
    while (n < 2 * MaxEdges) n *= 2;
    return n;
  }();

 public:
  enum class result { added, existed, extended, cycle, full };

  struct edge {
    std::uint32_t from, to;
    std::uint32_t next_out, next_in;  // index + 1 of the next edge, 0 = end
    std::uint32_t prev_out, prev_in;  // index + 1 of the previous edge, 0 = first
    std::uint8_t kinds;               // 0: a free slot (next_out links the free list)
  };

  /// Adds a node; returns its id, or 0 when MaxNodes is reached.
  std::uint32_t add_node() {
    if (nodes_ + 1 >= MaxNodes) return 0;
    const std::uint32_t n = ++nodes_;
    rank_[n] = n;
    out_[n] = in_[n] = 0;
    return n;
  }
  [[nodiscard]] std::uint32_t node_count() const { return nodes_; }
  /// Edge slots ever used (indices 0..edge_count()-1); a free one has kinds == 0.
  [[nodiscard]] std::uint32_t edge_count() const { return edges_; }
  [[nodiscard]] std::uint32_t live_edges() const { return edges_ - freed_; }
  [[nodiscard]] const edge& edge_at(std::uint32_t index) const { return edge_[index]; }
  /// First outgoing / incoming edge of n (index + 1, 0 = none); follow next_out / next_in.
  [[nodiscard]] std::uint32_t first_out(std::uint32_t n) const { return out_[n]; }
  [[nodiscard]] std::uint32_t first_in(std::uint32_t n) const { return in_[n]; }

  /// Removes an edge: O(1) plus the hash table's probe.
  void remove_edge(std::uint32_t index) {
    edge& e = edge_[index];
    if (e.kinds == 0) return;
    (e.prev_out ? edge_[e.prev_out - 1].next_out : out_[e.from]) = e.next_out;
    if (e.next_out) edge_[e.next_out - 1].prev_out = e.prev_out;
    (e.prev_in ? edge_[e.prev_in - 1].next_in : in_[e.to]) = e.next_in;
    if (e.next_in) edge_[e.next_in - 1].prev_in = e.prev_in;
    table_.erase(table_.probe(hash(key_of(e.from, e.to)),
                              [&](std::uint32_t slot) { return slot == index + 1; }),
                 [this](std::uint32_t slot) {
                   return hash(key_of(edge_[slot - 1].from, edge_[slot - 1].to));
                 });
    e = edge{0, 0, free_, 0, 0, 0, 0};
    free_ = index + 1;
    ++freed_;
  }

  /// Removes every edge into and out of n: O(degree). n keeps its rank: an isolated
  /// node fits anywhere in the order, so it can be used again as it is.
  void isolate_node(std::uint32_t n) {
    while (out_[n]) remove_edge(out_[n] - 1);
    while (in_[n]) remove_edge(in_[n] - 1);
  }

  /// Index of edge from -> to, or -1.
  [[nodiscard]] std::int64_t find(std::uint32_t from, std::uint32_t to) const {
    const std::size_t i = table_.probe(hash(key_of(from, to)), [&](std::uint32_t s) {
      return edge_[s - 1].from == from && edge_[s - 1].to == to;
    });
    if (i == table_.npos || table_.empty_at(i)) return -1;  // npos: never (see hash_size)
    return std::int64_t{table_.slots[i]} - 1;
  }

  /// Adds from -> to seen as `kind`. On `cycle`, nothing is added and `path`/`path_len`
  /// hold the edge indices of the existing strong path to -> ... -> from.
  /// `index` receives the edge's index for added/existed/extended.
  result add_edge(std::uint32_t from, std::uint32_t to, std::uint8_t kind,
                  std::uint32_t* path, std::size_t& path_len, std::uint32_t& index) {
    path_len = 0;
    const std::int64_t found = find(from, to);
    if (found >= 0) {
      index = static_cast<std::uint32_t>(found);
      edge& e = edge_[found];
      if (e.kinds & kind) return result::existed;
      // A new way of seeing a known edge can only close a cycle if one exists already.
      if (cyclic_ && strong_path(to, from, kind, path, path_len)) return result::cycle;
      e.kinds |= kind;
      return result::extended;
    }
    bool harmless_cycle = false;  // the edge closes a cycle, but no strong one
    if (from == to) {  // a self edge is a cycle of one unless both sides are readers
      if (kind != edge_rr) return result::cycle;
      // Still a cycle: no longer a DAG, and a later kind of this edge is checked above.
      harmless_cycle = true;
    } else if (!cyclic_) {
      if (rank_[from] > rank_[to] && !reorder(from, to)) {
        // A cycle through plain reachability: a deadlock only if it is strong.
        if (strong_path(to, from, kind, path, path_len)) return result::cycle;
        harmless_cycle = true;
      }
    } else if (strong_path(to, from, kind, path, path_len)) {
      return result::cycle;
    }
    if (!free_ && edges_ >= MaxEdges) return result::full;  // nothing added: no new cycle
    cyclic_ = cyclic_ || harmless_cycle;
    if (free_) {
      index = free_ - 1;
      free_ = edge_[index].next_out;
      --freed_;
    } else {
      index = edges_++;
    }
    edge_[index] = {from, to, out_[from], in_[to], 0, 0, kind};
    if (out_[from]) edge_[out_[from] - 1].prev_out = index + 1;
    if (in_[to]) edge_[in_[to] - 1].prev_in = index + 1;
    out_[from] = in_[to] = index + 1;
    // An empty slot: at most MaxEdges of at least 2 * MaxEdges slots are taken.
    table_.slots[table_.probe(hash(key_of(from, to)), [](std::uint32_t) { return false; })] =
        index + 1;
    return result::added;
  }

  /// True while no cycle of any kind exists (the fast order is in use).
  [[nodiscard]] bool is_dag() const { return !cyclic_; }

  /// Is there a strong path from `start` to `goal`, given that the path is entered at
  /// `start` by an edge of kind `in_kind` and leaves `goal` by that same edge? Fills
  /// `path` with edge indices. BFS over (node, entered-as-reader) states.
  bool strong_path(std::uint32_t start, std::uint32_t goal, std::uint8_t closing_kind,
                   std::uint32_t* path, std::size_t& path_len) {
    const bool closing_from_reader = closing_kind & (edge_rn | edge_rr);
    const bool closing_to_reader = closing_kind & (edge_nr | edge_rr);
    next_epoch();
    std::size_t head = 0, tail = 0;
    const std::uint32_t start_state = start * 2 + closing_to_reader;
    auto push = [&](std::uint32_t state, std::uint32_t via, std::uint32_t pred) {
      const std::uint32_t node = state / 2;
      if (seen_s_[state] == epoch_ || ((state & 1) && seen_s_[node * 2] == epoch_))
        return;  // entering as a non-reader is never worse than as a reader
      seen_s_[state] = epoch_;
      via_[state] = via;
      pred_[state] = pred;
      queue_[tail++] = state;
    };
    push(start_state, 0, 0);
    while (head < tail) {
      const std::uint32_t state = queue_[head++];
      const std::uint32_t node = state / 2;
      const bool entered_reader = state & 1;
      if (node == goal && !(entered_reader && closing_from_reader)) {
        std::size_t n = 0;
        for (std::uint32_t st = state; st != start_state; st = pred_[st]) path[n++] = via_[st] - 1;
        std::reverse(path, path + n);
        path_len = n;
        return true;
      }
      for (std::uint32_t e = out_[node]; e != 0; e = edge_[e - 1].next_out) {
        const edge& ed = edge_[e - 1];
        for (unsigned k = 0; k < 4; ++k) {
          if (!(ed.kinds & (1u << k))) continue;
          const bool from_reader = k >= 2, to_reader = k & 1;
          if (entered_reader && from_reader) continue;  // two readers never wait here
          push(ed.to * 2 + to_reader, e, state);
        }
      }
    }
    return false;
  }

 private:
  static std::uint64_t key_of(std::uint32_t from, std::uint32_t to) {
    return (std::uint64_t{from} << 32) | to;
  }
  static std::size_t hash(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<std::size_t>(k);
  }

  // A new mark for the seen_* arrays. When the counter wraps, marks left 2^32 searches
  // ago (and the zeroes of never-seen entries) would match again: clear them first.
  void next_epoch() {
    if (++epoch_ != 0) return;
    std::fill_n(seen_n_, MaxNodes, 0u);
    std::fill_n(seen_r_, MaxNodes, 0u);
    std::fill_n(seen_s_, 2 * MaxNodes, 0u);
    epoch_ = 1;
  }

  // Pearce–Kelly: make rank[from] < rank[to] for the new edge, or find that `to`
  // reaches `from` (returns false: a cycle, nothing changed).
  bool reorder(std::uint32_t from, std::uint32_t to) {
    const std::uint32_t upper = rank_[from], lower = rank_[to];
    next_epoch();
    std::size_t nf = 0, nb = 0, sp = 0;
    stack_[sp++] = to;
    seen_n_[to] = epoch_;
    while (sp) {  // forward from `to` over ranks below `from`'s
      const std::uint32_t n = stack_[--sp];
      delta_f_[nf++] = n;
      for (std::uint32_t e = out_[n]; e != 0; e = edge_[e - 1].next_out) {
        const std::uint32_t m = edge_[e - 1].to;
        if (m == from) return false;
        if (seen_n_[m] != epoch_ && rank_[m] < upper) {
          seen_n_[m] = epoch_;
          stack_[sp++] = m;
        }
      }
    }
    stack_[sp++] = from;
    seen_r_[from] = epoch_;
    while (sp) {  // backward from `from` over ranks above `to`'s
      const std::uint32_t n = stack_[--sp];
      delta_b_[nb++] = n;
      for (std::uint32_t e = in_[n]; e != 0; e = edge_[e - 1].next_in) {
        const std::uint32_t m = edge_[e - 1].from;
        if (seen_r_[m] != epoch_ && rank_[m] > lower) {
          seen_r_[m] = epoch_;
          stack_[sp++] = m;
        }
      }
    }
    auto by_rank = [this](std::uint32_t a, std::uint32_t b) { return rank_[a] < rank_[b]; };
    std::sort(delta_b_, delta_b_ + nb, by_rank);
    std::sort(delta_f_, delta_f_ + nf, by_rank);
    // The freed ranks, reassigned: everything that reaches `from` first, then `to`'s side.
    std::size_t nr = 0;
    for (std::size_t i = 0; i < nb; ++i) ranks_[nr++] = rank_[delta_b_[i]];
    for (std::size_t i = 0; i < nf; ++i) ranks_[nr++] = rank_[delta_f_[i]];
    std::sort(ranks_, ranks_ + nr);
    std::size_t r = 0;
    for (std::size_t i = 0; i < nb; ++i) rank_[delta_b_[i]] = ranks_[r++];
    for (std::size_t i = 0; i < nf; ++i) rank_[delta_f_[i]] = ranks_[r++];
    return true;
  }

  // No member initializers: the graph lives in zeroed storage (calloc or value-init),
  // so its megabytes are not touched until used. Zero is the empty graph.
  std::uint32_t nodes_, edges_, epoch_;
  std::uint32_t free_, freed_;  // free edge slots: list head (index + 1), count
  bool cyclic_;  // a harmless (reader-only) cycle exists: the rank order is not kept
  std::uint32_t rank_[MaxNodes], out_[MaxNodes], in_[MaxNodes];
  std::uint32_t seen_n_[MaxNodes], seen_r_[MaxNodes];
  std::uint32_t seen_s_[2 * MaxNodes], via_[2 * MaxNodes], pred_[2 * MaxNodes];
  std::uint32_t stack_[MaxNodes], delta_f_[MaxNodes], delta_b_[MaxNodes], ranks_[MaxNodes];
  std::uint32_t queue_[2 * MaxNodes];
  edge edge_[MaxEdges];
  fixed_hash_set<std::uint32_t, hash_size> table_;  // edge index + 1 by (from, to)
};

}  // namespace lockorder::detail
