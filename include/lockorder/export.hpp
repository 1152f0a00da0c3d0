// lockorder/export.hpp — the observed class graph as an artifact: written as JSON (what
// the offline tool reads) or Graphviz DOT, and the declared hierarchy as data for docs.
//
// A process exports its graph with export_graph(path), or at exit when started with
// LOCKORDER_OPTIONS=export=path (%p in the path becomes the process id; that works without
// this header, which is not in the umbrella header: include it where it is used). Reading
// graphs back, merging runs, finding the cycles no single run saw and suggesting a
// hierarchy are the tool's (tools/lockorder-graph.cpp, with Boost.JSON): a program only
// writes. docs/graph.md shows a session.
// Cost: everything here runs off the lock paths; observed_graph() takes the validator's
// lock once, to copy the tables. Nothing here throws but std::bad_alloc.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/graph_json.hpp>
#include <lockorder/detail/order.hpp>
#include <lockorder/report_types.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if LOCKORDER_RUNTIME
#  include <lockorder/detail/validator.hpp>
#endif

namespace lockorder {

namespace detail {
inline std::string dot_id(std::string_view s) { return "\"" + json_escape(s) + "\""; }
}  // namespace detail

/// The graph this process observed so far (empty with LOCKORDER_RUNTIME=0).
inline lock_graph observed_graph() {
  lock_graph g;
#if LOCKORDER_RUNTIME
  detail::rt::snapshot(g);
#endif
  return g;
}

/// JSON: {"lockorder_graph": 1, "runs": [...], "classes": [...], "edges": [...]}; each
/// class with its level and whether it was used as a completion (a wait class), each
/// edge with its site, run and, when declared, its reason. `lockorder-graph` reads it.
inline std::string to_json(const lock_graph& g) { return detail::graph_to_json(g); }

/// DOT. Declared orders are dashed and labelled with their reason; the edges of
/// `highlight` (a cycle, say) are red.
inline std::string to_dot(const lock_graph& g, const std::vector<graph_edge>& highlight = {}) {
  using detail::dot_id;
  std::set<std::pair<std::string, std::string>> hot;
  for (const auto& e : highlight) hot.emplace(e.from, e.to);
  std::string out = "digraph lockorder {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& c : g.classes) {
    std::string label = (c.completion ? "(completion)" : "") + c.name;
    if (c.ranked) label += "\nlevel " + std::to_string(c.level);  // escaped to DOT's \\n
    out += "  " + dot_id(c.name) + " [label=\"" + detail::json_escape(label) + "\"];\n";
  }
  for (const auto& e : g.edges) {
    std::string attrs;
    std::string label = e.declared ? e.rationale
                                   : e.first_seen.function + (e.first_seen.line
                                                                  ? ":" + std::to_string(e.first_seen.line)
                                                                  : "");
    attrs += "label=\"" + detail::json_escape(label) + "\"";
    if (e.declared) attrs += ", style=dashed";
    if (e.reported) attrs += ", style=bold";
    if (hot.count({e.from, e.to})) attrs += ", color=red, penwidth=2.5, fontcolor=red";
    out += "  " + dot_id(e.from) + " -> " + dot_id(e.to) + " [" + attrs + "];\n";
  }
  out += "}\n";
  return out;
}

/// The declared hierarchy of classes C... and of every class they declare after<>
/// (transitively), as a graph: each class with its level, each declared order as an edge
/// with its reason and the class definition as its site. Compile-time data: no runtime
/// needed. Render it with to_markdown() and to_dot() for the docs (docs/graph.md).
template <lock_class... C>
lock_graph declared_hierarchy() {
  lock_graph g;
  [&]<class... K>(type_list<K...>) {
    (g.classes.push_back({std::string(class_name_v<K>), is_ranked_v<K>, level_v<K>, false}), ...);
    auto edges = [&]<class X, class... A>(type_list<A...>) {
      (g.edges.push_back({std::string(class_name_v<typename A::class_type>),
                          std::string(class_name_v<X>), 1, true, false, std::string(A::why),
                          site{"", X::lockorder_where.file_name(), X::lockorder_where.line(), {}},
                          "", "", 1}),
       ...);
    };
    (edges.template operator()<K>(declared_after_t<K>{}), ...);
  }(typename detail::closure_walk<type_list<>, type_list<C...>>::type{});  // C... first
  return g;
}

/// A Markdown table of the classes (level, and the classes declared before each, with
/// the reasons), for a hierarchy from declared_hierarchy() or an observed graph.
inline std::string to_markdown(const lock_graph& g) {
  std::string out = "| class | level | taken after | why |\n|---|---|---|---|\n";
  std::vector<graph_class> classes = g.classes;
  std::stable_sort(classes.begin(), classes.end(), [](const graph_class& a, const graph_class& b) {
    return a.ranked != b.ranked ? a.ranked : a.level < b.level;
  });
  for (const auto& c : classes) {
    std::string after, why;
    for (const auto& e : g.edges)
      if (e.to == c.name && e.declared) {
        after += (after.empty() ? "" : "<br>") + std::string("`") + e.from + "`";
        why += (why.empty() ? "" : "<br>") + e.rationale;
      }
    out += "| `" + c.name + "` | " + (c.ranked ? std::to_string(c.level) : "—") + " | " +
           after + " | " + why + " |\n";
  }
  return out;
}

/// Writes this process's graph as JSON to `path`. False (and a message) on failure.
inline bool export_graph(const std::string& path) {
  return detail::write_graph_file(path, to_json(observed_graph()));
}

}  // namespace lockorder
