// tools/graph_ops.cpp — merge() and cycles() (graph_ops.hpp).
#include "graph_ops.hpp"

#include <lockorder/detail/graph.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace lockorder::tool {

void merge(lock_graph& into, const lock_graph& other) {
  std::map<std::string, std::size_t> cls, edge;
  for (std::size_t i = 0; i < into.classes.size(); ++i) cls.emplace(into.classes[i].name, i);
  for (std::size_t i = 0; i < into.edges.size(); ++i)
    edge.emplace(into.edges[i].from + '\n' + into.edges[i].to, i);
  into.runs.insert(into.runs.end(), other.runs.begin(), other.runs.end());
  for (const auto& c : other.classes) {
    auto [it, fresh] = cls.emplace(c.name, into.classes.size());
    if (fresh) {
      into.classes.push_back(c);
      continue;
    }
    graph_class& kept = into.classes[it->second];
    kept.completion = kept.completion || c.completion;
    // The lowest level, as suggest reads a class named twice: the order of runs changes
    // nothing.
    if (c.ranked && (!kept.ranked || c.level < kept.level)) kept.ranked = true, kept.level = c.level;
  }
  for (const auto& e : other.edges) {
    auto [it, fresh] = edge.emplace(e.from + '\n' + e.to, into.edges.size());
    if (fresh) {
      into.edges.push_back(e);
      continue;
    }
    graph_edge& kept = into.edges[it->second];
    kept.kinds |= e.kinds;
    kept.chains += e.chains;
    // The smallest non-empty reason, whatever the order of runs.
    if (!e.rationale.empty() && (kept.rationale.empty() || e.rationale < kept.rationale))
      kept.rationale = e.rationale;
    kept.declared = kept.declared || e.declared;
    kept.reported = kept.reported || e.reported;
  }
}

std::vector<std::vector<graph_edge>> cycles(const lock_graph& g) {
  constexpr std::size_t max_nodes = 1 << 15, max_edges = 1 << 18;
  using graph_t = lockorder::detail::dep_graph<max_nodes, max_edges>;
  auto dg = std::make_unique<graph_t>();  // value-initialized: zeroed, as it requires
  auto path = std::make_unique<std::uint32_t[]>(2 * max_nodes);
  std::map<std::string, std::uint32_t> id;
  std::vector<std::size_t> edge_of;  // dep_graph edge index -> g.edges index
  const auto too_large = [] {
    throw std::runtime_error("graph too large for cycles(): more than 32767 classes or 262144 "
                             "dependencies");
  };
  auto node = [&](const std::string& name) {
    auto it = id.find(name);
    if (it != id.end()) return it->second;
    const std::uint32_t n = dg->add_node();
    if (!n) too_large();
    id[name] = n;
    return n;
  };
  std::vector<std::vector<graph_edge>> out;
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const auto& e = g.edges[i];
    const std::uint32_t a = node(e.from), b = node(e.to);
    for (unsigned k = 0; k < 4; ++k) {
      if (!(e.kinds & (1u << k))) continue;
      std::size_t len = 0;
      std::uint32_t index = 0;
      const auto res =
          dg->add_edge(a, b, static_cast<std::uint8_t>(1u << k), path.get(), len, index);
      if (res == graph_t::result::added) {
        if (edge_of.size() <= index) edge_of.resize(index + 1);
        edge_of[index] = i;
      } else if (res == graph_t::result::cycle) {
        std::vector<graph_edge> c;
        for (std::size_t p = 0; p < len; ++p) c.push_back(g.edges[edge_of[path[p]]]);
        c.push_back(e);
        out.push_back(std::move(c));
        break;
      } else if (res == graph_t::result::full) {
        too_large();
      }
    }
  }
  return out;
}

}  // namespace lockorder::tool
