// lockorder/detail/graph_json.hpp — the observed graph written as JSON: what export.hpp's
// to_json() returns, and what the validator writes at exit for LOCKORDER_OPTIONS=export=path
// (whatever the program includes: the writer lives with the validator). Reading it back,
// merging runs, cycles and suggest are the tool's (tools/graph_read.cpp, Boost.JSON).
// Internal: not a stable interface.
#pragma once

#include <lockorder/report_types.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace lockorder::detail {

inline std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += c;
  }
  return out;
}

// {"lockorder_graph": 1, "runs": [...], "classes": [...], "edges": [...]}: to_json().
inline std::string graph_to_json(const lock_graph& g) {
  std::string out = "{\n  \"lockorder_graph\": 1,\n  \"runs\": [";
  for (std::size_t i = 0; i < g.runs.size(); ++i)
    out += (i ? ", \"" : "\"") + json_escape(g.runs[i]) + "\"";
  out += "],\n  \"classes\": [";
  for (std::size_t i = 0; i < g.classes.size(); ++i) {
    const auto& c = g.classes[i];
    out += std::string(i ? "," : "") + "\n    {\"name\": \"" + json_escape(c.name) +
           "\", \"ranked\": " + (c.ranked ? "true" : "false") +
           ", \"level\": " + std::to_string(c.level) +
           ", \"completion\": " + (c.completion ? "true" : "false") + "}";
  }
  out += "\n  ],\n  \"edges\": [";
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const auto& e = g.edges[i];
    out += std::string(i ? "," : "") + "\n    {\"from\": \"" + json_escape(e.from) +
           "\", \"to\": \"" + json_escape(e.to) + "\", \"kinds\": " + std::to_string(e.kinds) +
           ", \"declared\": " + (e.declared ? "true" : "false") +
           ", \"reported\": " + (e.reported ? "true" : "false") + ", \"rationale\": \"" +
           json_escape(e.rationale) + "\", \"function\": \"" +
           json_escape(e.first_seen.function) + "\", \"file\": \"" +
           json_escape(e.first_seen.file) + "\", \"line\": " +
           std::to_string(e.first_seen.line) + ", \"thread\": \"" + json_escape(e.thread) +
           "\", \"run\": \"" + json_escape(e.run) + "\", \"chains\": " +
           std::to_string(e.chains) + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}
// Writes `json` to `path`. False (and a line on stderr) on failure.
inline bool write_graph_file(const std::string& path, const std::string& json) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "lockorder: cannot write the graph to %s\n", path.c_str());
    return false;
  }
  const bool ok = std::fwrite(json.data(), 1, json.size(), f) == json.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace lockorder::detail
