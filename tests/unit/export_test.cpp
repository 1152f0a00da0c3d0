// export.hpp writes the graph: to_json() exactly (every string escaped as JSON wants it),
// and to_dot() with a highlighted edge. Reading it back, merging runs, cycles and suggest
// are the tool's: tests/tools (the round trip with this writer is there too).
#include <lockorder/export.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

lockorder::lock_graph abba() {
  lockorder::lock_graph g;
  g.runs = {"run \"1\""};
  g.classes = {{"a", true, 10, false}, {"b\t\r\n", false, 0, true}};
  g.edges.push_back(
      {"a", "b\t\r\n", 1, true, false, "why \\", {"f", "x.cpp", 3, {}}, "t/1", "r", 2});
  g.edges.push_back({"b\t\r\n", "a", 8, false, true, "", {"g", "", 0, {}}, "t/2", "r", 1});
  return g;
}

}  // namespace

TEST_CASE("export - to_json writes every member, control characters escaped") {
  CHECK(lockorder::to_json(abba()) ==
        R"({
  "lockorder_graph": 1,
  "runs": ["run \"1\""],
  "classes": [
    {"name": "a", "ranked": true, "level": 10, "completion": false},
    {"name": "b\u0009\u000d\n", "ranked": false, "level": 0, "completion": true}
  ],
  "edges": [
    {"from": "a", "to": "b\u0009\u000d\n", "kinds": 1, "declared": true, "reported": false, "rationale": "why \\", "function": "f", "file": "x.cpp", "line": 3, "thread": "t/1", "run": "r", "chains": 2},
    {"from": "b\u0009\u000d\n", "to": "a", "kinds": 8, "declared": false, "reported": true, "rationale": "", "function": "g", "file": "", "line": 0, "thread": "t/2", "run": "r", "chains": 1}
  ]
}
)");
  CHECK(lockorder::to_json({}) ==
        "{\n  \"lockorder_graph\": 1,\n  \"runs\": [],\n  \"classes\": [\n  ],\n  \"edges\": [\n  ]\n}\n");
}

TEST_CASE("export - to_dot draws declared orders dashed, reported bold, the highlight red") {
  const auto g = abba();
  CHECK(lockorder::to_dot(g, {g.edges[1]}) ==
        R"(digraph lockorder {
  rankdir=LR;
  node [shape=box, fontname="monospace"];
  "a" [label="a\nlevel 10"];
  "b\u0009\u000d\n" [label="(completion)b\u0009\u000d\n"];
  "a" -> "b\u0009\u000d\n" [label="why \\", style=dashed];
  "b\u0009\u000d\n" -> "a" [label="g", style=bold, color=red, penwidth=2.5, fontcolor=red];
}
)");
}
