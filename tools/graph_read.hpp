// tools/graph_read.hpp — lockorder-graph's reader: the JSON that lockorder::to_json() and
// LOCKORDER_OPTIONS=export=path write, back into a lockorder::lock_graph.
//
// The tool's own code, not the library's: a program only ever writes its graph
// (include/lockorder/export.hpp); reading, merging and suggesting happen offline. Parsing
// is Boost.JSON's (header-only: graph_read.cpp includes <boost/json/src.hpp>), so every
// JSON escape and number form is read as JSON defines it.
// Cost: linear in the text; the whole document is held as a boost::json::value once.
#pragma once

#include <lockorder/report_types.hpp>

#include <string>
#include <string_view>

namespace lockorder::tool {

/// Reads one graph. On success fills `out`, clears `error` and returns true. On failure
/// returns false, leaves `out` empty and says what was wrong, where: "line 3, column 14:
/// syntax error", "classes[2].level: expected an integer, got 1.5", "edges[0]: no
/// \"from\"". Required: the top-level "lockorder_graph": 1, "runs", "classes" and
/// "edges"; a class's "name"; an edge's "from" and "to". Other members take the
/// writer's defaults when missing; unknown members are ignored (newer writers). Throws
/// nothing but std::bad_alloc.
bool read_graph(std::string_view json, lock_graph& out, std::string& error);

/// read_graph() of a file's contents; `error` starts with the file's name
/// ("run.json: edges[0].kinds: expected an integer, got \"1\"").
bool read_graph_file(const std::string& path, lock_graph& out, std::string& error);

}  // namespace lockorder::tool
