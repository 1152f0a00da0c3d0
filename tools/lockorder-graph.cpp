// lockorder-graph — works on the graphs that runs export (LOCKORDER_OPTIONS=export=...).
//
//   lockorder-graph merge OUT.json IN.json...  the union of several runs, as JSON
//   lockorder-graph cycles IN.json...          deadlock cycles of the union, with evidence;
//                                              exit status 1 when there is one
//   lockorder-graph suggest [--keep RE]... [--drop RE]... IN.json...
//                                              declarations to paste: hierarchies for the
//                                              observed chains, after<> for single orders;
//                                              or the cycles, exit 1
//   lockorder-graph dot IN.json...             Graphviz DOT of the union, cycles in red
//
// Exit status 2: bad arguments, a file that cannot be read or is not a graph (the message
// names the file and what is wrong with it), or output that could not be written.
// docs/graph.md shows a session: a CI job's test processes, merged into a cycle that no
// single process saw. Reading: graph_read.cpp (Boost.JSON); merge, cycles: graph_ops.cpp;
// suggest: suggest.cpp.
#include "graph_ops.hpp"
#include "graph_read.hpp"
#include "suggest.hpp"

#include <lockorder/detail/format.hpp>
#include <lockorder/export.hpp>

#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

lockorder::lock_graph load(const std::vector<std::string>& files) {
  lockorder::lock_graph all;
  for (const auto& f : files) {
    lockorder::lock_graph one;
    std::string error;
    if (!lockorder::tool::read_graph_file(f, one, error)) throw std::runtime_error(error);
    lockorder::tool::merge(all, one);
  }
  return all;
}

std::string where(const lockorder::graph_edge& e) {
  if (e.declared) return "declared: " + e.rationale;
  return lockorder::detail::describe_site(e.first_seen) + " [" + e.thread + ", " + e.run + "]";
}

void print_cycles(const std::vector<std::vector<lockorder::graph_edge>>& cycles) {
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
}

int usage() {
  std::fputs(
      "usage: lockorder-graph merge OUT.json IN.json...\n"
      "       lockorder-graph cycles IN.json...\n"
      "       lockorder-graph suggest [--keep REGEX]... [--drop REGEX]... IN.json...\n"
      "       lockorder-graph dot IN.json...\n",
      stderr);
  return 2;
}

// A full disk or a closed pipe must not look like success.
int flushed(int status) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return status;
  std::fputs("lockorder-graph: writing the output failed\n", stderr);
  return 2;
}

int run(const std::string& cmd, std::vector<std::string> args) {
  if (cmd == "merge") {
    if (args.size() < 2) return usage();
    const std::string out = args.front();
    args.erase(args.begin());
    // write_graph_file says on stderr when it cannot open the file.
    if (lockorder::detail::write_graph_file(out, lockorder::to_json(load(args)))) return 0;
    std::fprintf(stderr, "lockorder-graph: writing %s failed\n", out.c_str());
    return 2;
  }
  lockorder::tool::suggest_options options;
  if (cmd == "suggest") {
    std::vector<std::string> files;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "--keep" || args[i] == "--drop") {
        if (i + 1 == args.size()) return usage();
        (args[i] == "--keep" ? options.keep : options.drop).push_back(args[i + 1]);
        ++i;
      } else {
        files.push_back(args[i]);
      }
    }
    args = std::move(files);
  }
  if (args.empty()) return usage();
  const lockorder::lock_graph g = load(args);
  if (cmd == "cycles") {
    const auto found = lockorder::tool::cycles(g);
    print_cycles(found);
    return flushed(found.empty() ? 0 : 1);
  }
  if (cmd == "suggest") {
    const auto s = lockorder::tool::suggest_hierarchy(g, options);
    if (!s.cycles.empty()) {
      std::puts("// No order exists: the graph has deadlock cycles, or orders against the "
                "levels. Fix these first:");
      print_cycles(s.cycles);
      return flushed(1);
    }
    std::fputs(s.code.c_str(), stdout);
    return flushed(0);
  }
  if (cmd == "dot") {
    std::vector<lockorder::graph_edge> hot;
    for (const auto& c : lockorder::tool::cycles(g)) hot.insert(hot.end(), c.begin(), c.end());
    std::fputs(lockorder::to_dot(g, hot).c_str(), stdout);
    return flushed(0);
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  try {
    return run(argv[1], std::vector<std::string>(argv + 2, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lockorder-graph: %s\n", e.what());
    return 2;
  }
}
