// lockorder-graph — works on the graphs that runs export (LOCKORDER_OPTIONS=export=...).
//
//   lockorder-graph merge OUT.json IN.json...  the union of several runs, as JSON
//   lockorder-graph cycles IN.json...          deadlock cycles of the union, with evidence;
//                                              exit status 1 when there is one
//   lockorder-graph suggest IN.json...         LOCKORDER_CLASS declarations with levels in a
//                                              topological order; or the cycles, exit 1
//   lockorder-graph dot IN.json...             Graphviz DOT of the union, cycles in red
//
// docs/graph.md shows a session: a CI job's test processes, merged into a cycle that no
// single process saw.
#include <lockorder/export.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

lockorder::lock_graph load(const std::vector<std::string>& files) {
  lockorder::lock_graph all;
  for (const auto& f : files) {
    std::ifstream in(f);
    if (!in) throw std::runtime_error("cannot read " + f);
    std::stringstream text;
    text << in.rdbuf();
    lockorder::merge(all, lockorder::parse_json(text.str()));
  }
  return all;
}

std::string where(const lockorder::graph_edge& e) {
  if (e.declared) return "declared: " + e.rationale;
  return lockorder::detail::describe_site(e.first_seen) + " [" + e.thread + ", " + e.run + "]";
}

int print_cycles(const std::vector<std::vector<lockorder::graph_edge>>& cycles) {
  int n = 0;
  for (const auto& c : cycles) {
    std::set<std::string> runs;
    for (const auto& e : c)
      if (!e.declared) runs.insert(e.run);
    std::printf("cycle %d of %zu: %zu dependencies, %s\n", ++n, cycles.size(), c.size(),
                runs.size() > 1 ? "seen by no single run" : "seen within one run");
    for (const auto& e : c)
      std::printf("  %s --> %s\n      first seen at %s\n", e.from.c_str(), e.to.c_str(),
                  where(e).c_str());
  }
  return cycles.empty() ? 0 : 1;
}

int usage() {
  std::fputs(
      "usage: lockorder-graph merge OUT.json IN.json...\n"
      "       lockorder-graph cycles IN.json...\n"
      "       lockorder-graph suggest IN.json...\n"
      "       lockorder-graph dot IN.json...\n",
      stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string cmd = argv[1];
  std::vector<std::string> files(argv + 2, argv + argc);
  try {
    if (cmd == "merge") {
      if (files.size() < 2) return usage();
      const std::string out = files.front();
      files.erase(files.begin());
      // write_graph_file says on stderr when it cannot open the file.
      if (lockorder::detail::write_graph_file(out, lockorder::to_json(load(files)))) return 0;
      std::fprintf(stderr, "lockorder-graph: writing %s failed\n", out.c_str());
      return 2;
    }
    const lockorder::lock_graph g = load(files);
    if (cmd == "cycles") return print_cycles(lockorder::cycles(g));
    if (cmd == "suggest") {
      const auto cycles = lockorder::cycles(g);
      if (!cycles.empty()) {
        std::puts("// No order exists: the graph has deadlock cycles. Fix these first:");
        print_cycles(cycles);
        return 1;
      }
      std::fputs(lockorder::suggest_hierarchy(g).c_str(), stdout);
      return 0;
    }
    if (cmd == "dot") {
      std::vector<lockorder::graph_edge> hot;
      for (const auto& c : lockorder::cycles(g)) hot.insert(hot.end(), c.begin(), c.end());
      std::fputs(lockorder::to_dot(g, hot).c_str(), stdout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lockorder-graph: %s\n", e.what());
    return 2;
  }
  return usage();
}
