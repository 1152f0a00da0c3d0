// The class dependency graph (detail/graph.hpp) against a naive model, after the idea of
// absl's graphcycles_test: random edge insertions, and after every one the incremental
// graph (Pearce–Kelly order, strong-path BFS) and an obviously correct slow model agree.
// Then hand-made cases for the recursive-read rule and the limits, and one large graph.
#include <catch2/catch.hpp>

#include <lockorder/detail/graph.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using lockorder::detail::dep_graph;
using lockorder::detail::edge_kind;
using lockorder::detail::edge_nn;
using lockorder::detail::edge_nr;
using lockorder::detail::edge_rn;
using lockorder::detail::edge_rr;

constexpr std::uint8_t all_kinds[] = {edge_nn, edge_nr, edge_rn, edge_rr};

bool from_reader(std::uint8_t kind) { return kind & (edge_rn | edge_rr); }
bool to_reader(std::uint8_t kind) { return kind & (edge_nr | edge_rr); }

std::string kind_name(std::uint8_t kind) {
  std::string s;
  for (std::uint8_t k : all_kinds)
    if (kind & k) {
      if (!s.empty()) s += '|';
      s += from_reader(k) ? 'R' : 'N';
      s += to_reader(k) ? 'R' : 'N';
    }
  return s.empty() ? "none" : s;
}

template <class R>
const char* result_name(R r) {
  switch (r) {
    case R::added: return "added";
    case R::existed: return "existed";
    case R::extended: return "extended";
    case R::cycle: return "cycle";
    case R::full: return "full";
  }
  return "?";
}

// ---- the model -------------------------------------------------------------------------

// Adjacency lists plus a matrix of kind bitmasks; every question answered by brute force.
class model {
 public:
  explicit model(std::uint32_t nodes)
      : n_(nodes), kinds_(std::size_t{nodes + 1} * (nodes + 1)), out_(nodes + 1) {}

  [[nodiscard]] std::uint32_t nodes() const { return n_; }
  [[nodiscard]] std::uint32_t edge_count() const { return edges_; }
  [[nodiscard]] std::uint8_t kinds(std::uint32_t from, std::uint32_t to) const {
    return kinds_[std::size_t{from} * (n_ + 1) + to];
  }

  void add(std::uint32_t from, std::uint32_t to, std::uint8_t kind) {
    std::uint8_t& k = kinds_[std::size_t{from} * (n_ + 1) + to];
    if (k == 0) {
      out_[from].push_back(to);
      ++edges_;
    }
    k |= kind;
  }

  void remove(std::uint32_t from, std::uint32_t to) {
    std::uint8_t& k = kinds_[std::size_t{from} * (n_ + 1) + to];
    if (k == 0) return;
    k = 0;
    std::erase(out_[from], to);
    --edges_;
  }
  void isolate(std::uint32_t n) {
    for (std::uint32_t m = 1; m <= n_; ++m) {
      remove(n, m);
      remove(m, n);
    }
  }

  // Edges (not counting the new one) of a shortest strong path to -> ... -> from that
  // the new edge from -> to, seen as `kind`, closes into a strong cycle; -1 if none.
  // Plain BFS over (node, entered as a reader) with every kind bit of every edge: the
  // walk starts at `to` entered by the new edge and must not leave `from` through the
  // new edge as a reader if it entered `from` as one.
  [[nodiscard]] int strong_cycle(std::uint32_t from, std::uint32_t to, std::uint8_t kind) const {
    std::vector<int> dist(2 * std::size_t{n_ + 1}, -1);
    std::vector<std::uint32_t> queue{to * 2 + to_reader(kind)};
    dist[queue[0]] = 0;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const std::uint32_t state = queue[head], node = state / 2;
      const bool entered_reader = state & 1;
      if (node == from && !(entered_reader && from_reader(kind))) return dist[state];
      for (std::uint32_t m : out_[node])
        for (std::uint8_t k : all_kinds) {
          if (!(kinds(node, m) & k) || (entered_reader && from_reader(k))) continue;
          const std::uint32_t next = m * 2 + to_reader(k);
          if (dist[next] < 0) {
            dist[next] = dist[state] + 1;
            queue.push_back(next);
          }
        }
    }
    return -1;
  }

  // The same from the definition: over all simple cycles through the new edge, by
  // enumerating simple paths. Exponential: for small graphs, to check the BFS above
  // (which walks, possibly through a node twice) against the definition.
  [[nodiscard]] int strong_cycle_brute(std::uint32_t from, std::uint32_t to,
                                       std::uint8_t kind) const {
    std::vector<bool> on_path(n_ + 1);
    int best = -1;
    simple_paths(to, to_reader(kind), from, from_reader(kind), 0, on_path, best);
    return best;
  }

  // Any cycle at all, strong or not, self edges included (Kahn: what cannot be peeled).
  [[nodiscard]] bool has_cycle() const {
    std::vector<std::uint32_t> in(n_ + 1), ready;
    for (std::uint32_t a = 1; a <= n_; ++a)
      for (std::uint32_t b : out_[a]) ++in[b];
    for (std::uint32_t a = 1; a <= n_; ++a)
      if (in[a] == 0) ready.push_back(a);
    std::uint32_t peeled = 0;
    while (!ready.empty()) {
      const std::uint32_t a = ready.back();
      ready.pop_back();
      ++peeled;
      for (std::uint32_t b : out_[a])
        if (--in[b] == 0) ready.push_back(b);
    }
    return peeled != n_;
  }

 private:
  void simple_paths(std::uint32_t node, bool entered_reader, std::uint32_t goal,
                    bool goal_leaves_reader, int len, std::vector<bool>& on_path,
                    int& best) const {
    if (best >= 0 && len >= best) return;
    if (node == goal) {  // the path must end here: going on would come back to it
      if (!(entered_reader && goal_leaves_reader)) best = len;
      return;
    }
    on_path[node] = true;
    for (std::uint32_t m : out_[node]) {
      if (on_path[m]) continue;
      bool as_reader = false, as_writer = false;  // ways to enter m that are allowed
      for (std::uint8_t k : all_kinds)
        if ((kinds(node, m) & k) && !(entered_reader && from_reader(k)))
          (to_reader(k) ? as_reader : as_writer) = true;
      if (as_writer) simple_paths(m, false, goal, goal_leaves_reader, len + 1, on_path, best);
      if (as_reader) simple_paths(m, true, goal, goal_leaves_reader, len + 1, on_path, best);
    }
    on_path[node] = false;
  }

  std::uint32_t n_, edges_ = 0;
  std::vector<std::uint8_t> kinds_;
  std::vector<std::vector<std::uint32_t>> out_;
};

// ---- checks against the model ------------------------------------------------------------

// The path the graph reports with a cycle: real edges, to -> ... -> from, connected,
// simple, strong together with the new edge (the reader rule at every node, the closing
// node `from` and `to` included), and as short as any.
template <class G>
std::string check_cycle_path(const G& g, const model& m, std::uint32_t from, std::uint32_t to,
                             std::uint8_t kind, const std::uint32_t* path, std::size_t len,
                             int shortest) {
  if (from == to) return len == 0 ? "" : "a self edge's cycle has a non-empty path";
  if (len == 0) return "empty path for a cycle of two or more";
  std::vector<bool> visited(m.nodes() + 1);
  visited[to] = true;
  std::uint32_t at = to;
  // Entered `to` by the new edge; the possible ways (bit 1: as a writer, 2: as a reader)
  // to have entered the current node along the path so far.
  unsigned ways = to_reader(kind) ? 2 : 1;
  for (std::size_t i = 0; i < len; ++i) {
    const std::string where = "path[" + std::to_string(i) + "]: ";
    if (path[i] >= g.edge_count()) return where + "no such edge " + std::to_string(path[i]);
    const auto& e = g.edge_at(path[i]);
    if (e.from != at)
      return where + "edge " + std::to_string(e.from) + "->" + std::to_string(e.to) +
             " does not start at " + std::to_string(at);
    if (e.to > m.nodes() || visited[e.to]) return where + "node repeated: not simple";
    if (e.kinds != m.kinds(e.from, e.to)) return where + "kinds differ from the model's";
    visited[e.to] = true;
    unsigned next = 0;
    for (std::uint8_t k : all_kinds)
      for (unsigned w = 1; w <= 2; ++w)
        if ((ways & w) && (e.kinds & k) && !(w == 2 && from_reader(k)))
          next |= to_reader(k) ? 2 : 1;
    if (next == 0) return where + "node " + std::to_string(at) + " entered and left as a reader";
    ways = next;
    at = e.to;
  }
  if (at != from) return "the path ends at " + std::to_string(at) + ", not at `from`";
  if (!(ways & 1) && from_reader(kind)) return "`from` entered and left as a reader";
  if (static_cast<int>(len) != shortest)
    return "path of " + std::to_string(len) + " edges, the shortest has " +
           std::to_string(shortest);
  return "";
}

// The graph's edges are the model's: every edge found at its own index with the model's
// kinds, and as many as the model has (so find() is right about the others too).
// Free slots (removed edges) are skipped; the out- and in-lists hold exactly the live edges.
template <class G>
std::string check_edges(const G& g, const model& m) {
  if (g.live_edges() != m.edge_count())
    return "live_edges " + std::to_string(g.live_edges()) + ", model " +
           std::to_string(m.edge_count());
  std::uint32_t listed_out = 0, listed_in = 0;
  for (std::uint32_t n = 1; n <= m.nodes(); ++n) {
    for (std::uint32_t e = g.first_out(n); e; e = g.edge_at(e - 1).next_out, ++listed_out)
      if (g.edge_at(e - 1).from != n || g.edge_at(e - 1).kinds == 0)
        return "out-list of " + std::to_string(n) + " holds another node's edge";
    for (std::uint32_t e = g.first_in(n); e; e = g.edge_at(e - 1).next_in, ++listed_in)
      if (g.edge_at(e - 1).to != n || g.edge_at(e - 1).kinds == 0)
        return "in-list of " + std::to_string(n) + " holds another node's edge";
  }
  if (listed_out != m.edge_count() || listed_in != m.edge_count())
    return "the lists hold " + std::to_string(listed_out) + " / " + std::to_string(listed_in) +
           " edges, the model " + std::to_string(m.edge_count());
  for (std::uint32_t i = 0; i < g.edge_count(); ++i) {
    const auto& e = g.edge_at(i);
    if (e.kinds == 0) continue;  // a free slot
    auto name = [&] {
      return "edge " + std::to_string(i) + " " + std::to_string(e.from) + "->" +
             std::to_string(e.to);
    };
    if (e.from == 0 || e.to == 0 || e.from > m.nodes() || e.to > m.nodes())
      return name() + ": no such nodes";
    if (g.find(e.from, e.to) != i) return name() + ": find() gives another index";
    if (e.kinds != m.kinds(e.from, e.to))
      return name() + ": kinds " + kind_name(e.kinds) + ", model " +
             kind_name(m.kinds(e.from, e.to));
  }
  return "";
}

// find() over every pair, directly: edges and non-edges.
template <class G>
std::string check_find_all(const G& g, const model& m) {
  for (std::uint32_t a = 0; a <= m.nodes() + 1; ++a)
    for (std::uint32_t b = 0; b <= m.nodes() + 1; ++b) {
      const std::int64_t i = g.find(a, b);
      const bool edge = a >= 1 && b >= 1 && a <= m.nodes() && b <= m.nodes() && m.kinds(a, b);
      if ((i >= 0) != edge || (edge && g.edge_at(static_cast<std::uint32_t>(i)).kinds !=
                                           m.kinds(a, b)))
        return "find(" + std::to_string(a) + ", " + std::to_string(b) + ") disagrees";
    }
  return "";
}

// ---- the random driver ---------------------------------------------------------------------

enum class mix {
  plain,        // only edge_nn: plain mutexes, the common case (Pearce–Kelly at work)
  mixed,        // any of the four kinds, uniformly
  rw_locks,     // half the classes are read-write locks, mostly taken as recursive readers
  few_readers,  // one edge in 16 of any kind, the rest edge_nn: a DAG for longer
};

const char* mix_name(mix how) {
  switch (how) {
    case mix::plain: return "plain";
    case mix::mixed: return "mixed";
    case mix::rw_locks: return "rw_locks";
    case mix::few_readers: return "few_readers";
  }
  return "?";
}

// One run: 2..40 nodes, `steps` insertions, verdicts and state compared at every step.
// `prepare` may set up the fresh graph (e.g. its epoch counter) before the run. With
// `removals`, one step in eight removes an edge or isolates a node (a reclaimed class)
// instead: the order and the free slots must stay right.
template <class G, class Prepare>
void random_run(std::uint32_t seed, mix how, int steps, std::size_t max_edges,
                Prepare prepare, bool removals = false) {
  using result = typename G::result;
  CAPTURE(seed, mix_name(how));
  std::mt19937 rng(seed);
  auto below = [&](std::uint32_t n) {  // uniform in [0, n)
    return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng);
  };
  const std::uint32_t n = 2 + below(39);
  CAPTURE(n);

  auto g = std::make_unique<G>();
  prepare(*g);
  model m(n);
  for (std::uint32_t i = 1; i <= n; ++i) REQUIRE(g->add_node() == i);
  REQUIRE(g->node_count() == n);

  // A hidden order most edges follow: long chains that disagree with the node ids, so
  // the incremental order has to move nodes around, and some back edges close cycles.
  std::vector<std::uint32_t> pos(n + 1);
  std::iota(pos.begin(), pos.end(), 0u);
  std::shuffle(pos.begin() + 1, pos.end(), rng);
  std::vector<bool> rw(n + 1);
  for (std::uint32_t i = 1; i <= n; ++i) rw[i] = below(2);

  std::vector<std::uint32_t> path(2 * n + 2);
  bool removed_any = false;
  for (int step = 0; step < steps; ++step) {
    if (removals && below(8) == 0) {
      removed_any = true;
      const std::uint32_t a = 1 + below(n), b = 1 + below(n);
      if (below(4) == 0) {
        g->isolate_node(a);
        m.isolate(a);
      } else if (const std::int64_t i = g->find(a, b); i >= 0) {
        g->remove_edge(static_cast<std::uint32_t>(i));
        m.remove(a, b);
      }
      std::string err = check_edges(*g, m);
      if (err.empty() && g->find(a, b) >= 0 && !m.kinds(a, b)) err = "find() sees a removed edge";
      if (!err.empty()) {
        INFO("step " << step << ": removal around " << a << ", " << b);
        FAIL(err);
      }
      continue;
    }
    std::uint32_t from = 1 + below(n), to = 1 + below(n);
    if (from == to && below(8) != 0) to = from % n + 1;  // few self edges
    if (below(4) != 0 && pos[from] > pos[to]) std::swap(from, to);
    std::uint8_t kind = edge_nn;
    if (how == mix::mixed) {
      kind = all_kinds[below(4)];
    } else if (how == mix::rw_locks) {
      kind = edge_kind(rw[from] && below(4) != 0, rw[to] && below(4) != 0);
    } else if (how == mix::few_readers && below(16) == 0) {
      kind = all_kinds[below(4)];
    }

    const std::uint8_t before = m.kinds(from, to);
    std::size_t len = 12345;
    std::uint32_t index = 12345;
    const result got = g->add_edge(from, to, kind, path.data(), len, index);

    // What the model says.
    const int shortest = m.strong_cycle(from, to, kind);
    result want = result::added;
    if (before & kind) {
      want = result::existed;
    } else if (shortest >= 0) {
      want = result::cycle;
    } else if (before) {
      want = result::extended;
    } else if (m.edge_count() >= max_edges) {
      want = result::full;
    }

    std::string err;
    if (n <= 9 && m.strong_cycle_brute(from, to, kind) != shortest)
      err = "model: BFS over walks and brute force over simple cycles disagree";
    else if (got != want)
      err = std::string("add_edge gave ") + result_name(got) + ", the model " + result_name(want);
    else if (got == result::cycle)
      err = check_cycle_path(*g, m, from, to, kind, path.data(), len, shortest);
    else if (got != result::full && (g->find(from, to) != index))
      err = "index " + std::to_string(index) + " is not find()'s";
    if (err.empty() && got != result::cycle && got != result::full) m.add(from, to, kind);
    if (err.empty()) err = check_edges(*g, m);
    // A removal may break the last cycle; the graph then stays in its search mode.
    if (err.empty() && g->is_dag() != !m.has_cycle() && !(removed_any && !g->is_dag()))
      err = g->is_dag() ? "is_dag() with a cycle in the graph" : "!is_dag() without a cycle";
    if (!err.empty()) {
      INFO("step " << step << ": add_edge(" << from << ", " << to << ", " << kind_name(kind)
                   << ") with the edge's kinds before " << kind_name(before));
      FAIL(err);
    }
  }
  const std::string err = check_find_all(*g, m);
  INFO("after " << steps << " steps");
  REQUIRE(err.empty());
  CHECK(g->node_count() == n);
}

// The epoch counter is private. An explicit instantiation may name it (access checks do
// not apply there), which lets a test start just before the counter wraps.
template <class Tag, typename Tag::type Member>
struct expose {
  friend typename Tag::type member(Tag) { return Member; }
};

using run_graph = dep_graph<41, 512>;   // room for any run; node 40 is the last id
using tight_graph = dep_graph<41, 40>;  // runs out of edges

struct epoch_of_run_graph {
  using type = std::uint32_t run_graph::*;
  friend type member(epoch_of_run_graph);
};
template struct expose<epoch_of_run_graph, &run_graph::epoch_>;

std::uint32_t& epoch(run_graph& g) { return g.*member(epoch_of_run_graph{}); }

constexpr auto no_prepare = [](auto&) {};

// Directed cases: a graph with its scratch, and add() returning the result.
template <class G>
struct graph_with_path {
  std::unique_ptr<G> g = std::make_unique<G>();
  std::vector<std::uint32_t> path = std::vector<std::uint32_t>(2 * 64);
  std::size_t len = 0;
  std::uint32_t index = 0;

  explicit graph_with_path(std::uint32_t nodes) {
    for (std::uint32_t i = 1; i <= nodes; ++i) REQUIRE(g->add_node() == i);
  }
  typename G::result add(std::uint32_t from, std::uint32_t to, std::uint8_t kind) {
    return g->add_edge(from, to, kind, path.data(), len, index);
  }
  std::vector<std::uint32_t> cycle() const { return {path.begin(), path.begin() + len}; }
  std::int64_t edge(std::uint32_t from, std::uint32_t to) const { return g->find(from, to); }
};

using small_graph = dep_graph<16, 64>;
using result = small_graph::result;
using idx = std::vector<std::uint32_t>;

}  // namespace

TEST_CASE("dep_graph: random plain-mutex edges agree with the model", "[graph]") {
  for (std::uint32_t seed = 1; seed <= 150; ++seed)
    random_run<run_graph>(seed, mix::plain, 300, 512, no_prepare);
}

TEST_CASE("dep_graph: random edges of all kinds agree with the model", "[graph]") {
  for (std::uint32_t seed = 1001; seed <= 1150; ++seed)
    random_run<run_graph>(seed, mix::mixed, 300, 512, no_prepare);
}

TEST_CASE("dep_graph: random read-write lock edges agree with the model", "[graph]") {
  for (std::uint32_t seed = 2001; seed <= 2150; ++seed)
    random_run<run_graph>(seed, mix::rw_locks, 300, 512, no_prepare);
}

TEST_CASE("dep_graph: random edges, mostly plain, a few readers, agree with the model",
          "[graph]") {
  for (std::uint32_t seed = 2501; seed <= 2650; ++seed)
    random_run<run_graph>(seed, mix::few_readers, 300, 512, no_prepare);
}

TEST_CASE("dep_graph: random edges past MaxEdges agree with the model", "[graph]") {
  // Cycles are still found when full; an edge with no room changes nothing.
  for (std::uint32_t seed = 3001; seed <= 3060; ++seed)
    random_run<tight_graph>(seed, static_cast<mix>(seed % 4), 200, 40, no_prepare);
}

TEST_CASE("dep_graph: random edges with removals agree with the model", "[graph]") {
  // Reclaimed classes: edges removed and nodes isolated between insertions; freed slots
  // are reused, and a full table has room again after a removal.
  for (std::uint32_t seed = 3501; seed <= 3650; ++seed)
    random_run<run_graph>(seed, static_cast<mix>(seed % 4), 300, 512, no_prepare, true);
  for (std::uint32_t seed = 3701; seed <= 3760; ++seed)
    random_run<tight_graph>(seed, static_cast<mix>(seed % 4), 300, 40, no_prepare, true);
}

TEST_CASE("dep_graph: random edges across the epoch counter's wrap-around", "[graph]") {
  // Searches mark nodes with the epoch; a run of a few hundred searches from just before
  // the wrap must not take an old or never-set mark for a current one.
  for (std::uint32_t seed = 4001; seed <= 4030; ++seed)
    random_run<run_graph>(seed, static_cast<mix>(seed % 4), 300, 512, [&](run_graph& g) {
      epoch(g) = std::numeric_limits<std::uint32_t>::max() - (seed % 40);
    });
}

TEST_CASE("dep_graph: a new search after the epoch wraps still sees every node", "[graph]") {
  using R = run_graph::result;
  graph_with_path<run_graph> t(3);
  REQUIRE(t.add(1, 2, edge_nn) == R::added);  // ranks agree: no search, no mark
  REQUIRE(t.add(2, 3, edge_nn) == R::added);
  epoch(*t.g) = std::numeric_limits<std::uint32_t>::max();
  // 3 -> 1 goes against the ranks: the search from 1 must get through 2 to 3, though 2
  // was never marked (its mark is the zero a wrapped counter would equal).
  REQUIRE(t.add(3, 1, edge_nn) == R::cycle);
  CHECK(t.cycle() == idx{0, 1});
  CHECK(t.g->is_dag());
}

TEST_CASE("dep_graph: an empty graph is zeroed storage", "[graph]") {
  // It lives in calloc'ed memory in the validator, constructed without initialization.
  STATIC_REQUIRE(std::is_trivially_default_constructible_v<small_graph>);
  STATIC_REQUIRE(std::is_trivially_default_constructible_v<dep_graph<16384, 131072>>);
  auto g = std::make_unique<small_graph>();
  CHECK(g->node_count() == 0);
  CHECK(g->edge_count() == 0);
  CHECK(g->is_dag());
  CHECK(g->find(1, 2) == -1);
  STATIC_REQUIRE(edge_kind(false, false) == edge_nn);
  STATIC_REQUIRE(edge_kind(false, true) == edge_nr);
  STATIC_REQUIRE(edge_kind(true, false) == edge_rn);
  STATIC_REQUIRE(edge_kind(true, true) == edge_rr);
}

TEST_CASE("dep_graph: self edges", "[graph]") {
  graph_with_path<small_graph> t(2);
  // Taking a lock of the class one holds: a cycle of one, unless both are recursive reads.
  CHECK(t.add(1, 1, edge_nn) == result::cycle);
  CHECK(t.len == 0);
  CHECK(t.add(1, 1, edge_nr) == result::cycle);
  CHECK(t.add(1, 1, edge_rn) == result::cycle);
  CHECK(t.g->edge_count() == 0);
  CHECK(t.g->is_dag());
  CHECK(t.add(1, 1, edge_rr) == result::added);
  CHECK(t.add(1, 1, edge_rr) == result::existed);
  CHECK_FALSE(t.g->is_dag());  // a harmless cycle is still a cycle
  // The same self edge seen another way is the cycle it always was: not an extension.
  CHECK(t.add(1, 1, edge_nn) == result::cycle);
  CHECK(t.len == 0);
  CHECK(t.add(1, 1, edge_nr) == result::cycle);
  CHECK(t.add(1, 1, edge_rn) == result::cycle);
  CHECK(t.g->edge_at(0).kinds == edge_rr);
  CHECK(t.g->edge_count() == 1);
  // And the self edge does not spoil cycle detection elsewhere.
  CHECK(t.add(1, 2, edge_nn) == result::added);
  CHECK(t.add(2, 1, edge_nn) == result::cycle);
  CHECK(t.cycle() == idx{1});
}

TEST_CASE("dep_graph: ABBA with plain mutexes", "[graph]") {
  SECTION("the second edge agrees with the initial order") {
    graph_with_path<small_graph> t(2);
    REQUIRE(t.add(2, 1, edge_nn) == result::added);  // against the ids: reordered
    CHECK(t.add(1, 2, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0});
  }
  SECTION("the second edge goes against the initial order") {
    graph_with_path<small_graph> t(2);
    REQUIRE(t.add(1, 2, edge_nn) == result::added);
    CHECK(t.index == 0);
    CHECK(t.add(2, 1, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0});
    CHECK(t.g->edge_count() == 1);
    CHECK(t.edge(2, 1) == -1);
    CHECK(t.g->is_dag());
    CHECK(t.add(1, 2, edge_nn) == result::existed);
    CHECK(t.index == 0);
  }
}

TEST_CASE("dep_graph: two locks, every pair of kinds", "[graph]") {
  // A -> B seen as k1 and B -> A as k2: a deadlock unless a lock is a recursive reader on
  // both sides of it. B is entered by k1 and left by k2; A entered by k2 and left by k1.
  for (std::uint8_t k1 : all_kinds)
    for (std::uint8_t k2 : all_kinds) {
      CAPTURE(kind_name(k1), kind_name(k2));
      const bool b_shared = to_reader(k1) && from_reader(k2);
      const bool a_shared = to_reader(k2) && from_reader(k1);
      graph_with_path<small_graph> t(2);
      REQUIRE(t.add(1, 2, k1) == result::added);
      if (a_shared || b_shared) {
        CHECK(t.add(2, 1, k2) == result::added);
        CHECK_FALSE(t.g->is_dag());
      } else {
        CHECK(t.add(2, 1, k2) == result::cycle);
        CHECK(t.cycle() == idx{0});
        CHECK(t.g->is_dag());
      }
    }
}

TEST_CASE("dep_graph: read-read ABBA is no deadlock", "[graph]") {
  graph_with_path<small_graph> t(2);
  // Holding A for reading, take B for reading; elsewhere B then A, both for reading. The
  // readers never wait for each other: at A (and at B) the cycle enters by a read and
  // leaves while it is held for reading.
  REQUIRE(t.add(1, 2, edge_rr) == result::added);
  CHECK(t.add(2, 1, edge_rr) == result::added);
  CHECK_FALSE(t.g->is_dag());
  CHECK(t.g->edge_count() == 2);
}

TEST_CASE("dep_graph: read-read one way, write-write the other is a deadlock", "[graph]") {
  // A -> B rr (A held for reading, B taken for reading) and B -> A nn (B held for
  // writing, A taken for writing). At A the cycle enters by B -> A, which takes A for
  // writing: not a reader on both sides. At B it enters by A -> B as a reader but leaves
  // by B -> A with B held for writing. No lock is a reader on both sides: strong.
  // Indeed: T1 read-holds A and waits for B, write-held by T2; T2 waits for A, which it
  // wants for writing while T1 reads it.
  SECTION("rr first") {
    graph_with_path<small_graph> t(2);
    REQUIRE(t.add(1, 2, edge_rr) == result::added);
    CHECK(t.add(2, 1, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0});
  }
  SECTION("nn first") {
    graph_with_path<small_graph> t(2);
    REQUIRE(t.add(1, 2, edge_nn) == result::added);
    CHECK(t.add(2, 1, edge_rr) == result::cycle);
    CHECK(t.cycle() == idx{0});
  }
  SECTION("a new kind of a known edge closes it") {
    graph_with_path<small_graph> t(2);
    REQUIRE(t.add(1, 2, edge_rr) == result::added);
    REQUIRE(t.add(2, 1, edge_rr) == result::added);  // harmless
    // A -> B with B taken for reading: B read-held on both sides, still harmless.
    CHECK(t.add(1, 2, edge_nr) == result::extended);
    CHECK(t.index == 0);
    // A -> B with A held for writing: A is entered by a read but left as a writer, and B
    // is entered as a writer: strong.
    CHECK(t.add(1, 2, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{1});
    CHECK(t.g->edge_at(0).kinds == (edge_rr | edge_nr));
  }
}

TEST_CASE("dep_graph: a cycle of five", "[graph]") {
  SECTION("built along the initial order") {
    graph_with_path<small_graph> t(5);
    for (std::uint32_t i = 1; i < 5; ++i) REQUIRE(t.add(i, i + 1, edge_nn) == result::added);
    CHECK(t.add(5, 1, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0, 1, 2, 3});
    CHECK(t.add(3, 1, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0, 1});
  }
  SECTION("built against it: every edge reorders") {
    graph_with_path<small_graph> t(5);
    for (std::uint32_t i = 5; i > 1; --i) REQUIRE(t.add(i, i - 1, edge_nn) == result::added);
    CHECK(t.add(1, 5, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{0, 1, 2, 3});
    CHECK(t.add(2, 4, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{1, 2});
    // Shortcuts, no cycle; then the shortest way back is reported.
    CHECK(t.add(4, 2, edge_nn) == result::added);
    CHECK(t.index == 4);
    CHECK(t.add(5, 1, edge_nn) == result::added);
    CHECK(t.g->is_dag());
    CHECK(t.add(1, 4, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{4, 3});
  }
  SECTION("a reader on both sides of one lock breaks it") {
    graph_with_path<small_graph> t(5);
    REQUIRE(t.add(1, 2, edge_nn) == result::added);
    REQUIRE(t.add(2, 3, edge_nr) == result::added);  // 3 taken for reading
    REQUIRE(t.add(3, 4, edge_rn) == result::added);  // and held so
    REQUIRE(t.add(4, 5, edge_nn) == result::added);
    CHECK(t.add(5, 1, edge_nn) == result::added);
    CHECK_FALSE(t.g->is_dag());
    // 3 -> 4 with 3 held for writing: now 3 is left as a writer. The cycle found starts
    // at 4, where the new edge enters.
    CHECK(t.add(3, 4, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{3, 4, 0, 1});
    // 2 -> 3 taking 3 for writing also closes it, through 3 -> 4 as it was seen.
    CHECK(t.add(2, 3, edge_nn) == result::cycle);
    CHECK(t.cycle() == idx{2, 3, 4, 0});
    CHECK(t.g->edge_count() == 5);
  }
}

TEST_CASE("dep_graph: capacity", "[graph]") {
  SECTION("add_node gives 0 when MaxNodes is reached") {
    auto g = std::make_unique<dep_graph<4, 4>>();
    CHECK(g->add_node() == 1);
    CHECK(g->add_node() == 2);
    CHECK(g->add_node() == 3);
    CHECK(g->add_node() == 0);
    CHECK(g->add_node() == 0);
    CHECK(g->node_count() == 3);
  }
  SECTION("add_edge gives full when MaxEdges is reached") {
    using G = dep_graph<8, 3>;
    graph_with_path<G> t(7);
    REQUIRE(t.add(1, 2, edge_rr) == G::result::added);
    REQUIRE(t.add(2, 3, edge_nn) == G::result::added);
    REQUIRE(t.add(3, 4, edge_nn) == G::result::added);
    CHECK(t.add(4, 5, edge_nn) == G::result::full);
    CHECK(t.add(5, 4, edge_nn) == G::result::full);
    CHECK(t.g->edge_count() == 3);
    CHECK(t.edge(4, 5) == -1);
    // Known edges need no room.
    CHECK(t.add(1, 2, edge_rr) == G::result::existed);
    CHECK(t.add(1, 2, edge_nr) == G::result::extended);
    // Cycles are still found.
    CHECK(t.add(4, 2, edge_nn) == G::result::cycle);
    CHECK(t.cycle() == idx{1, 2});
    // A harmless cycle that finds no room is not in the graph: it is still a DAG.
    CHECK(t.add(2, 1, edge_rr) == G::result::full);
    CHECK(t.add(3, 3, edge_rr) == G::result::full);
    CHECK(t.g->is_dag());
    CHECK(t.g->edge_count() == 3);
  }
}

TEST_CASE("dep_graph: 10,000 classes, 100,000 edges in one order, then a back edge",
          "[graph][large]") {
  constexpr std::uint32_t n = 10000, m = 100000;
  using G = dep_graph<n + 1, m>;
  using R = G::result;
  std::mt19937 rng(20240601);
  CAPTURE(n, m);
  auto g = std::make_unique<G>();
  for (std::uint32_t i = 1; i <= n; ++i) REQUIRE(g->add_node() == i);

  // The hidden order: a random permutation of the ids, so the initial order (by id) is
  // all wrong. Edges go forward in it, between any two nodes or (one in four) between
  // near ones, inserted in random order.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 1u);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::vector<std::uint32_t>> out(n + 1);
  std::vector<std::uint32_t> path(2 * (n + 1));
  std::size_t len = 0;
  std::uint32_t index = 0, added = 0;
  std::uniform_int_distribution<std::uint32_t> any(0, n - 1), near(1, 1000);
  while (added < m) {
    std::uint32_t a = any(rng), b = rng() % 4 == 0 ? a + near(rng) : any(rng);
    if (a > b) std::swap(a, b);
    if (a == b || b >= n) continue;
    const std::uint32_t from = order[a], to = order[b];
    const R r = g->add_edge(from, to, edge_nn, path.data(), len, index);
    if (r == R::added) {
      ++added;
      out[from].push_back(to);
    } else if (r != R::existed) {
      FAIL("edge " << added << " gave " << result_name(r) << " for " << from << " -> " << to);
    }
  }
  CHECK(g->edge_count() == m);
  CHECK(g->is_dag());

  // The back edge: from the farthest node the first one reaches, to it.
  const std::uint32_t start = order[0];
  std::vector<int> dist(n + 1, -1);
  std::vector<std::uint32_t> queue{start};
  dist[start] = 0;
  for (std::size_t head = 0; head < queue.size(); ++head)
    for (std::uint32_t b : out[queue[head]])
      if (dist[b] < 0) {
        dist[b] = dist[queue[head]] + 1;
        queue.push_back(b);
      }
  const std::uint32_t far = queue.back();
  CAPTURE(dist[far], queue.size());
  REQUIRE(dist[far] >= 2);
  REQUIRE(g->add_edge(far, start, edge_nn, path.data(), len, index) == R::cycle);
  REQUIRE(len == static_cast<std::size_t>(dist[far]));  // a shortest one
  std::uint32_t at = start;
  for (std::size_t i = 0; i < len; ++i) {
    REQUIRE(path[i] < g->edge_count());
    REQUIRE(g->edge_at(path[i]).from == at);
    at = g->edge_at(path[i]).to;
  }
  CHECK(at == far);
  CHECK(g->edge_count() == m);
  CHECK(g->is_dag());
}
