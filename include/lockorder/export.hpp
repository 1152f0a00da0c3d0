// lockorder/export.hpp — the observed class graph as an artifact: export it as JSON or
// Graphviz DOT, merge the JSON of several runs, find the cycles no single run saw, and
// suggest a hierarchy (LOCKORDER_CLASS levels) that an existing codebase can adopt.
//
// A process exports its graph with export_graph(path), or at exit when started with
// LOCKORDER_OPTIONS=export=path (%p in the path becomes the process id; that works without
// this header, which is not in the umbrella header: include it where it is used). The command-line
// tool tools/lockorder-graph.cpp does the rest; docs/graph.md shows a session.
// Cost: everything here runs off the lock paths; observed_graph() takes the validator's
// lock once, to copy the tables.
// Errors: parse_json() and cycles() throw std::runtime_error; their overloads with a
// `std::string& error` return it instead, and are the ones to use without exceptions.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/graph.hpp>
#include <lockorder/detail/graph_json.hpp>
#include <lockorder/detail/order.hpp>
#include <lockorder/report.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#if LOCKORDER_RUNTIME
#  include <lockorder/detail/validator.hpp>
#endif

namespace lockorder {

namespace detail {
// The throwing calls' failure: std::runtime_error; without exceptions the message on
// stderr, then std::abort() as libstdc++'s headers do there (_GLIBCXX_THROW_OR_ABORT).
[[noreturn]] inline void graph_failure(const std::string& what) {
#if LOCKORDER_EXCEPTIONS
  throw std::runtime_error(what);
#else
  std::fprintf(stderr, "%s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
#endif
}

// A reader for the JSON that to_json() writes (objects, arrays, strings, numbers, bools).
// It never throws (but std::bad_alloc): the first error is kept, the reader jumps to the
// end, and from then on every read gives an empty value and every loop ends.
class json_reader {
 public:
  explicit json_reader(std::string_view t) : t_(t) {}
  /// "lockorder: graph JSON, offset 12: expected ':'", or empty.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  void expect(char c) {
    ws();
    if (i_ >= t_.size() || t_[i_] != c) return fail(std::string("expected '") + c + "'");
    ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < t_.size() && t_[i_] == c;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < t_.size() && t_[i_] != '"') {
      char c = t_[i_++];
      if (c == '\\' && i_ < t_.size()) {
        c = t_[i_++];
        if (c == 'n') c = '\n';
        else if (c == 'u') {
          unsigned code = 0;
          const char* p = t_.data() + i_;
          const char* end = t_.data() + std::min(i_ + 4, t_.size());
          if (std::from_chars(p, end, code, 16).ptr != end || end - p != 4)
            return fail("expected four hex digits after \\u"), std::string();
          c = static_cast<char>(code);
          i_ += 4;
        }
      }
      out += c;
    }
    expect('"');
    return out;
  }
  long long number() {
    ws();
    std::size_t end = i_;
    while (end < t_.size() && (t_[end] == '-' || (t_[end] >= '0' && t_[end] <= '9'))) ++end;
    long long v = 0;
    const auto [p, ec] = std::from_chars(t_.data() + i_, t_.data() + end, v);
    if (end == i_ || p != t_.data() + end || ec != std::errc())
      return fail("expected a number"), 0;
    i_ = end;
    return v;
  }
  bool boolean() {
    ws();
    if (t_.substr(i_, 4) == "true") return i_ += 4, true;
    if (t_.substr(i_, 5) == "false") return i_ += 5, false;
    return fail("expected true or false"), false;
  }
  // Calls f(key) for each member of an object.
  template <class F>
  void object(F&& f) {
    expect('{');
    if (peek('}')) return expect('}');
    do f(string_then_colon());
    while (comma());
    expect('}');
  }
  template <class F>
  void array(F&& f) {
    expect('[');
    if (peek(']')) return expect(']');
    do f();
    while (comma());
    expect(']');
  }
  void skip_value() {
    if (peek('{')) object([&](const std::string&) { skip_value(); });
    else if (peek('[')) array([&] { skip_value(); });
    else if (peek('"')) string();
    else if (peek('t') || peek('f')) boolean();
    else number();
  }

 private:
  std::string string_then_colon() {
    std::string k = string();
    expect(':');
    return k;
  }
  bool comma() {
    if (!peek(',')) return false;
    ++i_;
    return true;
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\t' || t_[i_] == '\r'))
      ++i_;
  }
  void fail(const std::string& what) {
    if (error_.empty())
      error_ = "lockorder: graph JSON, offset " + std::to_string(i_) + ": " + what;
    i_ = t_.size();
  }
  std::string_view t_;
  std::size_t i_ = 0;
  std::string error_;
};

inline std::string dot_id(std::string_view s) { return "\"" + json_escape(s) + "\""; }

inline std::string identifier(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}
}  // namespace detail

/// The graph this process observed so far (empty with LOCKORDER_RUNTIME=0).
inline lock_graph observed_graph() {
  lock_graph g;
#if LOCKORDER_RUNTIME
  detail::rt::snapshot(g);
#endif
  return g;
}

/// JSON: {"lockorder_graph": 1, "runs": [...], "classes": [...], "edges": [...]}.
inline std::string to_json(const lock_graph& g) { return detail::graph_to_json(g); }

/// Reads what to_json() wrote (unknown members are skipped). Malformed text gives an empty
/// graph and `error` says where and what ("lockorder: graph JSON, offset 12: expected
/// ':'"); `error` is cleared on success. Throws nothing but std::bad_alloc.
inline lock_graph parse_json(std::string_view text, std::string& error) {
  lock_graph g;
  detail::json_reader r(text);
  r.object([&](const std::string& key) {
    if (key == "runs") {
      r.array([&] { g.runs.push_back(r.string()); });
    } else if (key == "classes") {
      r.array([&] {
        graph_class c;
        r.object([&](const std::string& k) {
          if (k == "name") c.name = r.string();
          else if (k == "ranked") c.ranked = r.boolean();
          else if (k == "level") c.level = static_cast<level_t>(r.number());
          else if (k == "completion") c.completion = r.boolean();
          else r.skip_value();
        });
        g.classes.push_back(std::move(c));
      });
    } else if (key == "edges") {
      r.array([&] {
        graph_edge e;
        r.object([&](const std::string& k) {
          if (k == "from") e.from = r.string();
          else if (k == "to") e.to = r.string();
          else if (k == "kinds") e.kinds = static_cast<unsigned>(r.number());
          else if (k == "declared") e.declared = r.boolean();
          else if (k == "reported") e.reported = r.boolean();
          else if (k == "rationale") e.rationale = r.string();
          else if (k == "function") e.first_seen.function = r.string();
          else if (k == "file") e.first_seen.file = r.string();
          else if (k == "line") e.first_seen.line = static_cast<unsigned>(r.number());
          else if (k == "thread") e.thread = r.string();
          else if (k == "run") e.run = r.string();
          else if (k == "chains") e.chains = static_cast<std::uint64_t>(r.number());
          else r.skip_value();
        });
        g.edges.push_back(std::move(e));
      });
    } else {
      r.skip_value();
    }
  });
  error = r.error();
  if (!error.empty()) return {};
  return g;
}

/// The same; malformed text throws std::runtime_error with that message (without
/// exceptions: prints it and aborts; docs/graph.md#errors).
inline lock_graph parse_json(std::string_view text) {
  std::string error;
  lock_graph g = parse_json(text, error);
  if (!error.empty()) detail::graph_failure(error);
  return g;
}

/// Adds `other`'s runs, classes and edges (matched by class name). An edge seen in both
/// keeps its first run's site, the union of its kinds and the sum of its chain counts.
inline void merge(lock_graph& into, const lock_graph& other) {
  std::map<std::string, std::size_t> cls, edge;
  for (std::size_t i = 0; i < into.classes.size(); ++i) cls[into.classes[i].name] = i;
  for (std::size_t i = 0; i < into.edges.size(); ++i)
    edge[into.edges[i].from + '\n' + into.edges[i].to] = i;
  into.runs.insert(into.runs.end(), other.runs.begin(), other.runs.end());
  for (const auto& c : other.classes)
    if (cls.emplace(c.name, into.classes.size()).second) into.classes.push_back(c);
  for (const auto& e : other.edges) {
    auto [it, fresh] = edge.emplace(e.from + '\n' + e.to, into.edges.size());
    if (fresh) {
      into.edges.push_back(e);
    } else {
      auto& kept = into.edges[it->second];
      kept.kinds |= e.kinds;
      kept.chains += e.chains;
      if (kept.rationale.empty()) kept.rationale = e.rationale;
      kept.declared = kept.declared || e.declared;
      kept.reported = kept.reported || e.reported;
    }
  }
}

/// The deadlock cycles of the graph, each as its edges in order (lockdep's rules: a
/// cycle through a lock taken and held only as a recursive reader is no deadlock).
/// Each cycle is found once, when its last edge is added in the graph's edge order.
/// A graph beyond its tables (32767 classes, 262144 dependencies) gives no cycles and
/// `error` says so ("lockorder: graph too large for cycles()"); else `error` is cleared.
inline std::vector<std::vector<graph_edge>> cycles(const lock_graph& g, std::string& error) {
  error.clear();
  constexpr std::size_t max_nodes = 1 << 15, max_edges = 1 << 18;
  using graph_t = detail::dep_graph<max_nodes, max_edges>;
  auto dg = std::make_unique<graph_t>();  // value-initialized: zeroed, as it requires
  auto path = std::make_unique<std::uint32_t[]>(2 * max_nodes);
  std::map<std::string, std::uint32_t> id;
  std::vector<std::size_t> edge_of;  // dep_graph edge index -> g.edges index
  auto node = [&](const std::string& name) {
    auto it = id.find(name);
    if (it != id.end()) return it->second;
    const std::uint32_t n = dg->add_node();
    if (n) id[name] = n;
    return n;  // 0: the graph is too large
  };
  static constexpr const char* too_large = "lockorder: graph too large for cycles()";
  std::vector<std::vector<graph_edge>> out;
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const auto& e = g.edges[i];
    const std::uint32_t a = node(e.from), b = node(e.to);
    if (!a || !b) {
      error = too_large;
      return {};
    }
    for (unsigned k = 0; k < 4; ++k) {
      if (!(e.kinds & (1u << k))) continue;
      std::size_t len = 0;
      std::uint32_t index = 0;
      const auto res = dg->add_edge(a, b, static_cast<std::uint8_t>(1u << k), path.get(), len, index);
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
        error = too_large;
        return {};
      }
    }
  }
  return out;
}

/// The same; a graph too large throws std::runtime_error (without exceptions: prints the
/// message and aborts).
inline std::vector<std::vector<graph_edge>> cycles(const lock_graph& g) {
  std::string error;
  auto out = cycles(g, error);
  if (!error.empty()) detail::graph_failure(error);
  return out;
}

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

/// LOCKORDER_CLASS declarations in a topological order of the graph: each class gets a
/// level 10 above the previous one, so every observed dependency goes upwards and the
/// compiler rejects its inversion. Empty when the graph has a deadlock cycle: print
/// cycles() instead. Names are made valid identifiers ("a.b#2" -> "a_b_2"). Fails as
/// cycles(g) does on a graph too large.
inline std::string suggest_hierarchy(const lock_graph& g) {
  if (!cycles(g).empty()) return {};
  std::map<std::string, std::size_t> index;
  std::vector<std::string> names;
  auto at = [&](const std::string& n) {
    auto [it, fresh] = index.emplace(n, names.size());
    if (fresh) names.push_back(n);
    return it->second;
  };
  for (const auto& c : g.classes) at(c.name);
  std::vector<std::vector<std::size_t>> out(names.size());
  std::vector<std::size_t> indeg(names.size());
  for (const auto& e : g.edges) {
    const std::size_t a = at(e.from), b = at(e.to);
    out.resize(names.size());
    indeg.resize(names.size());
    if (a == b) continue;  // a reader-only self edge: no order needed
    out[a].push_back(b);
    ++indeg[b];
  }
  // Kahn's algorithm; among ready classes, the first observed goes first (stable output).
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!indeg[i]) ready.insert(i);
  std::string text =
      "// Suggested by lockorder from " + std::to_string(g.runs.size()) +
      " run(s): a topological order of the observed dependencies.\n"
      "// Review the names and levels; leave gaps for classes to come.\n";
  int level = 0;
  while (!ready.empty()) {
    const std::size_t n = *ready.begin();
    ready.erase(ready.begin());
    level += 10;
    text += "LOCKORDER_CLASS(" + detail::identifier(names[n]) + ", " + std::to_string(level) + ");\n";
    for (std::size_t m : out[n])
      if (--indeg[m] == 0) ready.insert(m);
  }
  return text;
}

namespace detail {
template <class List, class Acc> struct with_declared;
template <class Acc> struct with_declared<type_list<>, Acc> { using type = Acc; };
template <class C, class... R, class... A>
struct with_declared<type_list<C, R...>, type_list<A...>>
    : with_declared<typename concat<type_list<R...>, preds_t<C>>::type,
                    std::conditional_t<(std::is_same_v<C, A> || ...), type_list<A...>,
                                       type_list<A..., C>>> {};
}  // namespace detail

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
  }(typename detail::with_declared<type_list<C...>, type_list<>>::type{});
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
