// lockorder-graph's reader (tools/graph_read.cpp, Boost.JSON): every JSON escape, numbers
// written as fractions or exponents, missing members, wrong types, empty and truncated
// text, each with the message a user sees; and the round trip with the library's writer.
#include "graph_read.hpp"

#include <lockorder/export.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

// A one-class, one-edge graph with `cls` and `edge` spliced into its members.
std::string doc(const std::string& cls, const std::string& edge = R"("from": "a", "to": "b")") {
  return R"({"lockorder_graph": 1, "runs": ["pid 1"], "classes": [{)" + cls +
         R"(}], "edges": [{)" + edge + "}]}";
}

std::string error_of(const std::string& text) {
  lockorder::lock_graph g;
  std::string error = "left from before";
  const bool ok = lockorder::tool::read_graph(text, g, error);
  CHECK_FALSE(ok);
  CHECK(g.runs.empty());  // a failed read leaves nothing half-read
  CHECK(g.classes.empty());
  CHECK(g.edges.empty());
  return error;
}

lockorder::lock_graph read_ok(const std::string& text) {
  lockorder::lock_graph g;
  std::string error = "left from before";
  CHECK(lockorder::tool::read_graph(text, g, error));
  CHECK(error.empty());
  return g;
}

}  // namespace

TEST_CASE("graph_read - every string escape JSON has, surrogate pairs included") {
  const auto g = read_ok(doc(R"("name": "t\tr\rn\nq\"b\\s\/e\u00e9g\ud83d\ude00c\u0001")"));
  REQUIRE(g.classes.size() == 1);
  CHECK(g.classes[0].name == "t\tr\rn\nq\"b\\s/e\xc3\xa9g\xf0\x9f\x98\x80" "c\x01");
  // A high surrogate alone: the error is at the quote where its low half should be.
  CHECK(error_of(doc(R"("name": "\ud800")")) == "line 1, column 71: syntax error");
  CHECK(error_of(doc(R"("name": "\u00zz")")) == "line 1, column 68: expected hex digit");
}

TEST_CASE("graph_read - numbers as fractions or exponents are read when they are integers") {
  const auto g = read_ok(doc(R"("name": "a", "ranked": true, "level": 1e1)",
                             R"("from": "a", "to": "b", "kinds": 1.0, "line": 3E0,
                                "chains": 18446744073709551615)"));
  CHECK(g.classes[0].level == 10);
  CHECK(g.edges[0].kinds == 1);
  CHECK(g.edges[0].first_seen.line == 3);
  CHECK(g.edges[0].chains == UINT64_MAX);
  CHECK(read_ok(doc(R"("name": "a", "level": -2.0e0)")).classes[0].level == -2);
  CHECK(error_of(doc(R"("name": "a", "level": 1.5)")) ==
        "classes[0].level: expected an integer from -2147483648 to 2147483647, got 1.5E0");
  CHECK(error_of(doc(R"("name": "a", "level": 1e400)")) ==
        "classes[0].level: expected an integer from -2147483648 to 2147483647, got Infinity");
  CHECK(error_of(doc(R"("name": "a", "level": 2147483648)")) ==
        "classes[0].level: expected an integer from -2147483648 to 2147483647, got 2147483648");
  CHECK(error_of(doc(R"("name": "a")", R"("from": "a", "to": "b", "kinds": 16)")) ==
        "edges[0].kinds: expected an integer from 1 to 15, got 16");
  CHECK(error_of(doc(R"("name": "a")", R"("from": "a", "to": "b", "line": -1)")) ==
        "edges[0].line: expected an integer from 0 to 4294967295, got -1");
}

TEST_CASE("graph_read - missing members are errors where required, defaults elsewhere") {
  const auto g = read_ok(doc(R"("name": "a")"));
  CHECK_FALSE(g.classes[0].ranked);
  CHECK(g.classes[0].level == 0);
  CHECK_FALSE(g.classes[0].completion);
  CHECK(g.edges[0].kinds == 1);
  CHECK(g.edges[0].chains == 1);
  CHECK(g.edges[0].first_seen.function.empty());
  CHECK(error_of(R"({"runs": [], "classes": [], "edges": []})") ==
        "not a lockorder graph: no \"lockorder_graph\" member");
  CHECK(error_of(R"({"lockorder_graph": 1, "runs": [], "classes": []})") == "no \"edges\"");
  CHECK(error_of(doc(R"("level": 3)")) == "classes[0]: no \"name\"");
  CHECK(error_of(doc(R"("name": "")")) == "classes[0].name: empty");
  CHECK(error_of(doc(R"("name": "a")", R"("from": "a")")) == "edges[0]: no \"to\"");
  // Unknown members are a newer writer's: skipped, whatever their type.
  CHECK(read_ok(doc(R"("name": "a", "future": {"x": [1, null]})")).classes[0].name == "a");
}

TEST_CASE("graph_read - wrong types say what was expected and what was there") {
  CHECK(error_of("[]") == "the document: expected an object, got an array");
  CHECK(error_of(R"({"lockorder_graph": 2, "runs": [], "classes": [], "edges": []})") ==
        "lockorder_graph: version 2, this tool reads 1");
  CHECK(error_of(R"({"lockorder_graph": 1, "runs": {}, "classes": [], "edges": []})") ==
        "runs: expected an array, got an object");
  CHECK(error_of(R"({"lockorder_graph": 1, "runs": [7], "classes": [], "edges": []})") ==
        "runs[0]: expected a string, got 7");
  CHECK(error_of(R"({"lockorder_graph": 1, "runs": [], "classes": ["a"], "edges": []})") ==
        "classes[0]: expected an object, got a string");
  CHECK(error_of(doc(R"("name": 5)")) == "classes[0].name: expected a string, got 5");
  CHECK(error_of(doc(R"("name": "a", "ranked": "yes")")) ==
        "classes[0].ranked: expected true or false, got a string");
  CHECK(error_of(doc(R"("name": "a", "level": "10")")) ==
        "classes[0].level: expected an integer from -2147483648 to 2147483647, got a string");
  CHECK(error_of(doc(R"("name": "a")", R"("from": "a", "to": "b", "declared": null)")) ==
        "edges[0].declared: expected true or false, got null");
  // Class names past 1024 bytes: not a graph the validator wrote.
  const std::string longest(1024, 'x'), too_long(1025, 'x');
  read_ok(doc(R"("name": ")" + longest + "\"", R"("from": ")" + longest + R"(", "to": "b")"));
  CHECK(error_of(doc(R"("name": ")" + too_long + "\"")) ==
        "classes[0].name: a class name of 1025 bytes (at most 1024)");
  CHECK(error_of(doc(R"("name": "a")", R"("from": "a", "to": ")" + too_long + "\"")) ==
        "edges[0].to: a class name of 1025 bytes (at most 1024)");
}

TEST_CASE("graph_read - empty, truncated and malformed text") {
  CHECK(error_of("") == "empty: no JSON");
  CHECK(error_of(" \n\t") == "empty: no JSON");
  CHECK(error_of("{\"lockorder_graph\": 1,\n \"runs\": [\"pid 1\"") ==
        "line 2, column 18: incomplete JSON (the text ends early: truncated?)");
  CHECK(error_of("{\"runs\" [") == "line 1, column 9: syntax error");
  CHECK(error_of(doc(R"("name": "a")") + " x") == "line 1, column 108: text after the JSON value");
}

TEST_CASE("graph_read - what the library writes reads back equal") {
  lockorder::lock_graph g;
  g.runs = {"pid 1", "run \"2\"\t"};
  g.classes = {{"a\tb\r\n", true, -7, false}, {"ns::c\xc3\xa9", false, 0, true}};
  g.edges.push_back({"a\tb\r\n", "ns::c\xc3\xa9", 5, true, false, "why \"so\"\x1f",
                     {"f()", "x\\y.cpp", 3, {}}, "t/1", "pid 1", 9});
  g.edges.push_back({"ns::c\xc3\xa9", "a\tb\r\n", 8, false, true, "", {}, "", "run \"2\"\t", 1});
  const std::string json = lockorder::to_json(g);
  const auto back = read_ok(json);
  CHECK(back.runs == g.runs);
  REQUIRE(back.classes.size() == 2);
  CHECK(back.classes[0].name == g.classes[0].name);
  CHECK(back.classes[0].level == -7);
  CHECK(back.classes[1].completion);
  REQUIRE(back.edges.size() == 2);
  CHECK(back.edges[0].rationale == "why \"so\"\x1f");
  CHECK(back.edges[0].first_seen.file == "x\\y.cpp");
  CHECK(back.edges[0].chains == 9);
  CHECK(back.edges[1].kinds == 8);
  CHECK(back.edges[1].reported);
  CHECK(lockorder::to_json(back) == json);
}

TEST_CASE("graph_read - a file's errors start with its name") {
  lockorder::lock_graph g;
  std::string error;
  CHECK_FALSE(lockorder::tool::read_graph_file("/nonexistent/run.json", g, error));
  CHECK(error == "/nonexistent/run.json: cannot open it (No such file or directory)");
  const std::string path = "lockorder_graph_read_test.json";
  std::FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  std::fputs(R"({"lockorder_graph": 1, "runs": [], "classes": [{"name": 1}], "edges": []})", f);
  std::fclose(f);
  CHECK_FALSE(lockorder::tool::read_graph_file(path, g, error));
  CHECK(error == path + ": classes[0].name: expected a string, got 1");
  std::remove(path.c_str());
}
