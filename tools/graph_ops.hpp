// tools/graph_ops.hpp — what lockorder-graph does with graphs it has read: the union of
// several runs, and the deadlock cycles of a graph (lockdep's rules, the validator's own
// cycle search). Offline only, so not in the library (export.hpp writes the graph).
#pragma once

#include <lockorder/report_types.hpp>

#include <vector>

namespace lockorder::tool {

/// Adds `other`'s runs, classes and edges (classes matched by name). A class seen in both
/// is a wait class if either run waited on it, ranked if either run ranked it (at the
/// lower level, as suggest reads a class named twice), so the union does not depend on
/// the order of the runs. An edge seen in both keeps its first run's site, the smallest
/// of its reasons, the union of its kinds and the sum of its chain counts.
/// Cost: O((classes + edges) log n).
void merge(lock_graph& into, const lock_graph& other);

/// The deadlock cycles of the graph, each as its edges in order (a cycle through a lock
/// taken and held only as a recursive reader is no deadlock). Each cycle is found once,
/// when its last edge is added in the graph's edge order. Throws std::runtime_error
/// ("graph too large for cycles(): ...") beyond 32767 classes or 262144 dependencies.
/// Cost: the validator's incremental search, per edge; 6 MiB of tables.
std::vector<std::vector<graph_edge>> cycles(const lock_graph& g);

}  // namespace lockorder::tool
