// tools/suggest.cpp — suggest_hierarchy() (suggest.hpp). The steps: classes by name (so
// nothing depends on the order of runs), cycles and level conflicts, the observed order's
// transitive closure, its Hasse diagram on the declared classes, minus what the code
// enforces, cut into chains; then the text.
#include "suggest.hpp"

#include "graph_ops.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace lockorder::tool {
namespace {

// A set of class indexes: the closures are n x n bits.
class bits {
 public:
  explicit bits(std::size_t n = 0) : w_((n + 63) / 64) {}
  [[nodiscard]] bool test(std::size_t i) const { return w_[i / 64] >> (i % 64) & 1; }
  void set(std::size_t i) { w_[i / 64] |= std::uint64_t{1} << (i % 64); }
  // True when some index is in all three.
  [[nodiscard]] bool meets(const bits& a, const bits& b) const {
    for (std::size_t i = 0; i < w_.size(); ++i)
      if (w_[i] & a.w_[i] & b.w_[i]) return true;
    return false;
  }

 private:
  std::vector<std::uint64_t> w_;
};

using adjacency = std::vector<std::set<std::size_t>>;  // ordered: ties go to the lower name

// reach[a]: every class a path from a leads to (a itself only through a cycle).
std::vector<bits> closure(const adjacency& adj) {
  std::vector<bits> reach(adj.size(), bits(adj.size()));
  for (std::size_t a = 0; a < adj.size(); ++a) {
    std::vector<std::size_t> todo(adj[a].begin(), adj[a].end());
    for (std::size_t b : todo) reach[a].set(b);
    while (!todo.empty()) {
      const std::size_t b = todo.back();
      todo.pop_back();
      for (std::size_t c : adj[b])
        if (!reach[a].test(c)) reach[a].set(c), todo.push_back(c);
    }
  }
  return reach;
}

// The shortest path a --> ... --> b, the lowest names first among equals.
std::vector<std::size_t> path(const adjacency& adj, std::size_t a, std::size_t b) {
  std::vector<std::size_t> from(adj.size(), adj.size());
  std::deque<std::size_t> todo{a};
  from[a] = a;
  while (!todo.empty() && from[b] == adj.size()) {
    const std::size_t x = todo.front();
    todo.pop_front();
    for (std::size_t y : adj[x])
      if (from[y] == adj.size()) from[y] = x, todo.push_back(y);
  }
  std::vector<std::size_t> out{b};
  while (out.back() != a) out.push_back(from[out.back()]);
  std::reverse(out.begin(), out.end());
  return out;
}

struct node {
  std::string name;
  bool ranked = false;
  bool completion = false;
  level_t level = 0;
  // Its name as C++: scopes outside in ("" for an anonymous namespace), identifier, and
  // the fully qualified reference (anonymous namespaces left out: lookup finds through).
  std::vector<std::string> scope;
  std::string id, ref;
  std::string not_declarable;  // why not, when it cannot be spelled
};

bool identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Splits "ns::(anonymous namespace)::lock" (clang) or "ns::{anonymous}::lock" (GCC).
void spell(node& n) {
  // A name ends in c followed by digits ("x#2", "x/1"): by hand, as std::regex recurses
  // once per character and a long name would overflow the stack.
  auto ends_in = [&](char c) {
    const std::size_t p = n.name.find_last_not_of("0123456789");
    return p != std::string::npos && p + 1 < n.name.size() && n.name[p] == c;
  };
  if (ends_in('#')) {
    n.not_declarable = "a lock's own class (own_class): no declaration names it";
    return;
  }
  if (ends_in('/')) {
    n.not_declarable = "a nesting subclass (lock_nested): its class's order covers it";
    return;
  }
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    const std::size_t next = n.name.find("::", at);
    parts.push_back(n.name.substr(at, next == std::string::npos ? next : next - at));
    if (next == std::string::npos) break;
    at = next + 2;
  }
  n.id = parts.back();
  parts.pop_back();
  bool ok = identifier(n.id);
  for (auto& p : parts) {
    if (p == "(anonymous namespace)" || p == "{anonymous}") p.clear();
    else ok = ok && identifier(p);
  }
  if (!ok) {
    n.not_declarable = n.name.find('<') != std::string::npos
                           ? "template arguments: declare its order in the template by hand"
                           : "not a qualified name a declaration can use";
    return;
  }
  n.scope = std::move(parts);
  n.ref.clear();
  for (const auto& p : n.scope)
    if (!p.empty()) n.ref += "::" + p;
  n.ref += "::" + n.id;
}

std::string comment_text(const std::string& s) {  // a line break would end the comment
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  return out;
}

std::string literal(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) {
      const char* octal = "01234567";
      out += "\\";
      out += octal[(c >> 6) & 7], out += octal[(c >> 3) & 7], out += octal[c & 7];
    } else out += c;
  }
  return out + "\"";
}

std::vector<std::regex> compile(const std::vector<std::string>& patterns, const char* option) {
  std::vector<std::regex> out;
  for (const auto& p : patterns) {
    try {
      out.emplace_back(p, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw std::runtime_error(std::string(option) + " '" + p + "': not a regular expression (" +
                               e.what() + ")");
    }
  }
  return out;
}

bool matches(const std::vector<std::regex>& res, const std::string& name) {
  return std::any_of(res.begin(), res.end(),
                     [&](const std::regex& r) { return std::regex_search(name, r); });
}

// Opens and closes the namespaces of a scope around a block of lines.
std::string in_scope(const std::vector<std::string>& scope, const std::string& lines) {
  std::string open, close;
  for (const auto& p : scope) open += p.empty() ? "namespace {\n" : "namespace " + p + " {\n";
  for (auto it = scope.rbegin(); it != scope.rend(); ++it)
    close += it->empty() ? "}  // namespace\n" : "}  // namespace " + *it + "\n";
  return open + lines + close;
}

// What the analysis decided, for the text.
struct plan {
  std::size_t runs = 0;
  std::vector<node> nodes;
  std::vector<std::size_t> members;                         // the classes declared
  std::vector<std::pair<std::size_t, std::string>> left_out;  // and the others, why
  std::set<std::pair<std::size_t, std::size_t>> both_ways;  // on a reader-only cycle
  adjacency declared, order, singles;  // the code's orders, the observed, after<> to add
  std::vector<bits> reach;              // order's transitive closure
  std::map<std::pair<std::size_t, std::size_t>, const graph_edge*> edge_of;
  std::vector<std::vector<std::size_t>> chains;
};

// Lines grouped by scope, each group in its namespaces, groups apart by a blank line.
std::string by_scope(const std::vector<node>& nodes, std::vector<std::size_t> which,
                     const std::function<std::string(std::size_t)>& line) {
  std::stable_sort(which.begin(), which.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(nodes[a].scope, nodes[a].id) < std::tie(nodes[b].scope, nodes[b].id);
  });
  std::string out, lines;
  for (std::size_t k = 0; k < which.size(); ++k) {
    lines += line(which[k]);
    if (k + 1 == which.size() || nodes[which[k + 1]].scope != nodes[which[k]].scope) {
      out += (out.empty() ? "" : "\n") + in_scope(nodes[which[k]].scope, lines);
      lines.clear();
    }
  }
  return out;
}

// LOCKORDER_CLASS(args...); on one line, or one argument a line past 100 columns.
std::string class_line(const std::vector<std::string>& args) {
  std::string one = "LOCKORDER_CLASS(";
  for (std::size_t k = 0; k < args.size(); ++k) one += (k ? ", " : "") + args[k];
  one += ");\n";
  if (one.size() <= 101) return one;
  std::string out = "LOCKORDER_CLASS(" + args[0];
  for (std::size_t k = 1; k < args.size(); ++k) out += ",\n    " + args[k];
  return out + ");\n";
}

std::string render(const plan& p) {
  const auto& nodes = p.nodes;
  const auto label = [&](std::size_t i) {
    return (nodes[i].completion ? "(completion)" : "") + nodes[i].name;
  };
  // The evidence of an order: the observed path, shortest, through undeclared classes.
  const auto evidence = [&](std::size_t a, std::size_t b) {
    std::string s = "observed:";
    const auto steps = path(p.order, a, b);
    for (std::size_t k = 0; k < steps.size(); ++k) s += (k ? " --> " : " ") + label(steps[k]);
    return s;
  };

  // Hierarchies: named after their first class, in the scope all their classes share.
  struct hierarchy_text {
    std::vector<std::string> scope;
    std::string name, ref;
    const std::vector<std::size_t>* steps;
  };
  std::set<std::pair<std::vector<std::string>, std::string>> taken;
  for (const auto& k : nodes)
    if (k.not_declarable.empty()) taken.emplace(k.scope, k.id);
  std::vector<hierarchy_text> hs;
  for (const auto& c : p.chains) {
    const node& first = nodes[c.front()];
    std::vector<std::string> scope = first.scope;
    for (std::size_t i : c) {
      const auto& other = nodes[i].scope;
      const auto diff = std::mismatch(scope.begin(), scope.end(), other.begin(), other.end());
      scope.erase(diff.first, scope.end());
    }
    std::string stem = first.id;  // socket_lock -> socket_locks, db_mutex -> db_locks
    for (const char* suffix : {"_lock", "_mutex", "_mtx"})
      if (stem.size() > std::strlen(suffix) && stem.ends_with(suffix))
        stem.resize(stem.size() - std::strlen(suffix));
    std::string name = stem + "_locks";
    for (int k = 2; !taken.emplace(scope, name).second; ++k)
      name = stem + "_locks_" + std::to_string(k);
    std::string ref;
    for (const auto& part : scope)
      if (!part.empty()) ref += "::" + part;
    hs.push_back({scope, name, ref + "::" + name, &c});
  }

  std::string out =
      "// Suggested by lockorder-graph from " + std::to_string(p.runs) +
      " run(s): the order they observed that the\n"
      "// code does not enforce yet, as a partial order (docs/graph.md#suggesting-a-hierarchy).\n"
      "// Each LOCKORDER_CLASS replaces the class's definition, keeping its level and declared\n"
      "// orders (a hierarchy's steps come back as after<>: keep its in<> instead). A scope is\n"
      "// written as a namespace: where it is a class, define the lock class inside it.\n";
  if (p.members.empty()) out += "// No class to declare.\n";

  // Forward declarations: the chosen classes and those their declared orders name.
  std::vector<std::size_t> declare = p.members;
  std::vector<bool> named(nodes.size());
  for (std::size_t i : p.members) named[i] = true;
  for (std::size_t a = 0; a < nodes.size(); ++a)
    for (std::size_t b : p.declared[a])
      if (named[b] && !named[a] && nodes[a].not_declarable.empty())
        named[a] = true, declare.push_back(a);
  if (!declare.empty())
    out += "\n" + by_scope(nodes, declare,
                           [&](std::size_t i) { return "struct " + nodes[i].id + ";\n"; });

  std::stable_sort(hs.begin(), hs.end(), [](const hierarchy_text& a, const hierarchy_text& b) {
    return a.scope < b.scope;
  });
  for (std::size_t k = 0; k < hs.size();) {
    std::string lines;
    const auto& scope = hs[k].scope;
    for (; k < hs.size() && hs[k].scope == scope; ++k) {
      const auto& steps = *hs[k].steps;
      lines += (lines.empty() ? "" : "\n") + std::string("using ") + hs[k].name +
               " = lockorder::hierarchy<\n";
      for (std::size_t s = 0; s < steps.size(); ++s)
        lines += "    lockorder::step<" + nodes[steps[s]].ref + ", " +
                 literal(s ? evidence(steps[s - 1], steps[s]) : "observed: first of this chain") +
                 ">" + (s + 1 < steps.size() ? ",\n" : ">;\n");
    }
    out += "\n" + in_scope(scope, lines);
  }

  if (!p.members.empty())
    out += "\n" + by_scope(nodes, p.members, [&](std::size_t i) {
      std::string notes;
      std::vector<std::string> args{nodes[i].id};
      if (nodes[i].ranked) args.push_back(std::to_string(nodes[i].level));
      for (std::size_t a = 0; a < nodes.size(); ++a) {
        if (!p.declared[a].count(i)) continue;
        const std::string& why = p.edge_of.at({a, i})->rationale;
        if (nodes[a].not_declarable.empty())
          args.push_back("lockorder::after<" + nodes[a].ref + ", " + literal(why) + ">");
        else
          notes += "// keep: declared after " + comment_text(nodes[a].name) + " (\"" +
                   comment_text(why) + "\"), which no declaration here can name\n";
      }
      for (std::size_t h = 0; h < hs.size(); ++h)
        if (std::find(hs[h].steps->begin(), hs[h].steps->end(), i) != hs[h].steps->end())
          args.push_back("lockorder::in<" + hs[h].ref + ">");
      for (std::size_t a = 0; a < nodes.size(); ++a)
        if (p.singles[a].count(i))
          args.push_back("lockorder::after<" + nodes[a].ref + ", " + literal(evidence(a, i)) +
                         ">");
      if (nodes[i].name.size() == 63)  // class_entry::name: 63 characters and a NUL
        notes += "// the validator keeps 63 characters of a name: is this one cut?\n";
      return notes + class_line(args);
    });

  std::string rest;
  for (const auto& [i, why] : p.left_out)
    rest += "//   " + comment_text(label(i)) + ": " + why + "\n";
  for (const auto& [a, b] : p.both_ways)
    rest += "//   " + comment_text(nodes[a].name) + ", " + comment_text(nodes[b].name) +
            ": on a cycle of recursive readers (no deadlock): left unordered\n";
  if (!rest.empty()) out += "\n// Not declared here:\n" + rest;
  return out;
}

// Classes by name. One named twice (runs of two builds) is ranked at its lowest level,
// and a wait class if any run waited on it: the order of runs changes nothing.
void read_classes(const lock_graph& g, plan& p, adjacency& observed) {
  std::map<std::string, node> by_name;
  for (const auto& c : g.classes) {
    node& k = by_name[c.name];
    k.completion = k.completion || c.completion;
    if (c.ranked && (!k.ranked || c.level < k.level)) k.ranked = true, k.level = c.level;
  }
  for (const auto& e : g.edges) by_name[e.from], by_name[e.to];
  std::map<std::string, std::size_t> index;
  for (auto& [name, k] : by_name) {
    k.name = name;
    index.emplace(name, p.nodes.size());
    p.nodes.push_back(std::move(k));
  }
  observed.assign(p.nodes.size(), {});
  p.declared.assign(p.nodes.size(), {});
  for (const auto& e : g.edges) {
    const std::size_t a = index[e.from], b = index[e.to];
    if (a == b) continue;  // nesting or a reader again: no order between classes
    observed[a].insert(b);
    if (e.declared) p.declared[a].insert(b);
    const graph_edge*& kept = p.edge_of[{a, b}];
    if (!kept || (e.declared && kept->rationale.empty())) kept = &e;
  }
}

// Deadlock cycles, with the code's levels as declared edges between neighbouring levels
// (an observed order against them closes a cycle, printed with its evidence like any
// other), and orders between two classes of one level, which cannot nest. Without any,
// fills p.order and p.reach.
std::vector<std::vector<graph_edge>> conflicts(const lock_graph& g, plan& p,
                                               const adjacency& observed) {
  const auto& nodes = p.nodes;
  std::map<level_t, std::vector<std::size_t>> by_level;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].ranked) by_level[nodes[i].level].push_back(i);
  adjacency with_levels = observed;
  lock_graph checked;
  checked.edges = g.edges;
  for (auto it = by_level.begin(); it != by_level.end() && std::next(it) != by_level.end(); ++it)
    for (std::size_t a : it->second)
      for (std::size_t b : std::next(it)->second) {
        with_levels[a].insert(b);
        graph_edge e;
        e.from = nodes[a].name;
        e.to = nodes[b].name;
        e.declared = true;
        e.rationale = "levels " + std::to_string(nodes[a].level) + " < " +
                      std::to_string(nodes[b].level);
        checked.edges.push_back(std::move(e));
      }
  std::stable_sort(checked.edges.begin(), checked.edges.end(),
                   [](const graph_edge& x, const graph_edge& y) {
                     return std::tie(x.from, x.to) < std::tie(y.from, y.to);
                   });
  auto out = cycles(checked);
  if (!out.empty()) return out;

  // With no deadlock cycle left, a cycle is one lockdep allows: recursive readers taken
  // both ways. Its classes stay unordered among themselves.
  const std::vector<bits> around = closure(with_levels);
  p.order.assign(nodes.size(), {});
  for (std::size_t a = 0; a < nodes.size(); ++a)
    for (std::size_t b : observed[a]) {
      if (!around[b].test(a)) p.order[a].insert(b);
      else p.both_ways.emplace(std::min(a, b), std::max(a, b));
    }
  p.reach = closure(p.order);

  for (const auto& [level, group] : by_level)
    for (std::size_t a : group)
      for (std::size_t b : group)
        if (a != b && p.reach[a].test(b)) {
          std::vector<graph_edge> c;
          const auto steps = path(p.order, a, b);
          for (std::size_t k = 0; k + 1 < steps.size(); ++k)
            c.push_back(*p.edge_of.at({steps[k], steps[k + 1]}));
          graph_edge back;
          back.from = nodes[b].name;
          back.to = nodes[a].name;
          back.declared = true;
          back.rationale = "levels " + std::to_string(level) + " and " + std::to_string(level) +
                           ": two classes of one level cannot nest";
          c.push_back(std::move(back));
          out.push_back(std::move(c));
        }
  return out;
}

// Which classes get a declaration (p.members), and why each other one does not.
void choose(plan& p, const std::vector<std::regex>& keep, const std::vector<std::regex>& drop) {
  std::map<std::string, std::size_t> refs;
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    node& k = p.nodes[i];
    spell(k);
    if (!k.not_declarable.empty()) continue;
    const auto [it, fresh] = refs.emplace(k.ref, i);
    if (!fresh) k.not_declarable = "its name is ambiguous with " + p.nodes[it->second].name;
  }
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    const node& k = p.nodes[i];
    if ((!keep.empty() && !matches(keep, k.name)) || matches(drop, k.name))
      p.left_out.emplace_back(i, "dropped (--keep, --drop)");
    else if (k.completion)
      p.left_out.emplace_back(i, "a wait class (completion, condition variable): no rank of "
                                 "its own; orders through it are kept");
    else if (!k.not_declarable.empty())
      p.left_out.emplace_back(i, k.not_declarable);
    else
      p.members.push_back(i);
  }
}

using order_set = std::set<std::pair<std::size_t, std::size_t>>;

// The orders to declare: the Hasse diagram of the observed order on the members
// (a --> c, c --> b leaves out a --> b), less what the code's declared orders give, less
// the orders between two ranked classes that no chain needs (their levels order them;
// levels and declared orders are checked apart, never composed).
order_set orders_to_declare(const plan& p) {
  const std::size_t n = p.nodes.size();
  bits chosen(n);
  for (std::size_t i : p.members) chosen.set(i);
  std::vector<bits> before(n, bits(n));
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      if (p.reach[a].test(b)) before[b].set(a);
  const std::vector<bits> declared_reach = closure(p.declared);
  order_set needed;
  for (std::size_t a : p.members)
    for (std::size_t b : p.members)
      if (p.reach[a].test(b) && !p.reach[a].meets(before[b], chosen) &&
          !declared_reach[a].test(b))
        needed.emplace(a, b);
  const auto enforced = [&](const order_set& s) {
    adjacency d = p.declared;
    for (const auto& [a, b] : s) d[a].insert(b);
    const std::vector<bits> dr = closure(d);
    for (std::size_t a : p.members)
      for (std::size_t b : p.members)
        if (p.reach[a].test(b) && !dr[a].test(b) &&
            !(p.nodes[a].ranked && p.nodes[b].ranked && p.nodes[a].level < p.nodes[b].level))
          return false;
    return true;
  };
  for (const auto& e : std::vector(needed.begin(), needed.end())) {
    if (!p.nodes[e.first].ranked || !p.nodes[e.second].ranked) continue;
    auto without = needed;
    without.erase(e);
    if (enforced(without)) needed = std::move(without);
  }
  return needed;
}

// Chains: the longest path of orders not yet used, again and again (ties: the lower
// names); one of three classes or more is a hierarchy, what is left an after<>.
void cut_into_chains(plan& p, const order_set& needed) {
  const std::size_t n = p.nodes.size();
  adjacency left(n);
  std::vector<std::size_t> indegree(n);
  for (const auto& [a, b] : needed) left[a].insert(b), ++indegree[b];
  std::vector<std::size_t> topo;
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (!indegree[i]) ready.insert(i);
  while (!ready.empty()) {
    const std::size_t a = *ready.begin();
    ready.erase(ready.begin());
    topo.push_back(a);
    for (std::size_t b : left[a])
      if (--indegree[b] == 0) ready.insert(b);
  }
  for (;;) {
    std::vector<std::size_t> length(n), next(n, n);
    for (auto it = topo.rbegin(); it != topo.rend(); ++it)
      for (std::size_t b : left[*it])
        if (length[b] + 1 > length[*it]) length[*it] = length[b] + 1, next[*it] = b;
    std::size_t start = n;
    for (std::size_t i = 0; i < n; ++i)
      if (start == n || length[i] > length[start]) start = i;
    if (start == n || length[start] < 2) break;
    std::vector<std::size_t> c{start};
    while (next[c.back()] != n) {
      left[c.back()].erase(next[c.back()]);
      c.push_back(next[c.back()]);
    }
    p.chains.push_back(std::move(c));
  }
  p.singles = std::move(left);
}

}  // namespace

suggestion suggest_hierarchy(const lock_graph& g, const suggest_options& options) {
  const auto keep = compile(options.keep, "--keep"), drop = compile(options.drop, "--drop");
  plan p;
  p.runs = g.runs.size();
  adjacency observed;
  read_classes(g, p, observed);
  suggestion out;
  out.cycles = conflicts(g, p, observed);
  if (!out.cycles.empty()) return out;
  choose(p, keep, drop);
  cut_into_chains(p, orders_to_declare(p));
  out.code = render(p);
  return out;
}

}  // namespace lockorder::tool
