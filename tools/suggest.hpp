// tools/suggest.hpp — `lockorder-graph suggest`: from observed graphs to the declarations
// a team can paste: lockorder::hierarchy lists for chains, after<> where one dependency is
// all the evidence says, each class's existing level and declared orders kept.
// docs/graph.md#suggesting-a-hierarchy shows the output and what each part means.
#pragma once

#include <lockorder/report_types.hpp>

#include <string>
#include <vector>

namespace lockorder::tool {

/// Which classes get declarations: with `keep` non-empty, only classes whose qualified
/// name (as the graph carries it) matches one of them; then none that matches a `drop`.
/// ECMAScript regular expressions, searched anywhere in the name ("^leveldb::",
/// "_test$"). A class left out still carries the order through it: a --> t --> b keeps
/// a before b when t is dropped.
struct suggest_options {
  std::vector<std::string> keep;
  std::vector<std::string> drop;
};

/// The suggestion, or why there is none.
struct suggestion {
  std::string code;  ///< C++ to paste; empty when `cycles` is not
  /// Deadlock cycles of the graph, and observed orders that contradict the code's levels
  /// (as a cycle closed by a declared edge "levels ..."): fix these first.
  std::vector<std::vector<graph_edge>> cycles;
};

/// The observed order (transitive, through every class) restricted to the classes that
/// get declarations, minus what the code already enforces (a level below a level, a
/// declared order), as few declared orders as that takes (its Hasse diagram), written as
/// hierarchies for the longest chains and after<> for single dependencies. Wait classes
/// (completions, condition variables) and names no declaration can spell (template
/// arguments, own classes "x#2", nesting subclasses "x/1") get none, and are listed in
/// comments. Depends only on the sets of classes and dependencies: ties are broken by
/// name, so the order of runs and merges does not change it. Throws std::runtime_error
/// for an invalid regular expression or a graph too large for cycles().
/// Cost: O(n (n + m)) for n classes and m dependencies, times the ranked pairs it tries
/// to leave to their levels.
suggestion suggest_hierarchy(const lock_graph& g, const suggest_options& options = {});

}  // namespace lockorder::tool
