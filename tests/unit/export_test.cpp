// export.hpp's error paths: malformed JSON and a graph too large for cycles(), as an
// error value (the overloads taking `std::string& error`, for builds without exceptions)
// and as std::runtime_error with the same message. (The graph tool's session:
// tests/graph; export.hpp built with -fno-exceptions: tests/flags.)
#include <lockorder/export.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

namespace {

lockorder::lock_graph abba() {
  lockorder::lock_graph g;
  g.runs = {"run \"1\""};
  g.classes = {{"a", true, 10, false}, {"b\n", false, 0, true}};
  g.edges.push_back({"a", "b\n", 1, false, false, "", {"f", "x.cpp", 3, {}}, "t/1", "r", 2});
  g.edges.push_back({"b\n", "a", 1, false, true, "", {"g", "", 0, {}}, "t/2", "r", 1});
  return g;
}

}  // namespace

TEST_CASE("export: parse_json reads what to_json wrote, and clears the error") {
  const lockorder::lock_graph g = abba();
  std::string error = "left from before";
  const lockorder::lock_graph back = lockorder::parse_json(lockorder::to_json(g), error);
  CHECK(error.empty());
  CHECK(lockorder::to_json(back) == lockorder::to_json(g));
  CHECK(lockorder::to_json(lockorder::parse_json(lockorder::to_json(g))) == lockorder::to_json(g));
}

TEST_CASE("export: malformed JSON is an error value, or std::runtime_error with its message") {
  struct bad_case {
    const char* text;
    const char* error;
  };
  const bad_case cases[] = {
      {"", "lockorder: graph JSON, offset 0: expected '{'"},
      {"{\"runs\" [", "lockorder: graph JSON, offset 8: expected ':'"},
      {"{\"runs\": [\"pid 1\"", "lockorder: graph JSON, offset 17: expected ']'"},
      {"{\"classes\": [{\"level\": -}]}", "lockorder: graph JSON, offset 23: expected a number"},
      {"{\"classes\": [{\"level\": 99999999999999999999}]}",
       "lockorder: graph JSON, offset 23: expected a number"},
      {"{\"classes\": [{\"ranked\": yes}]}",
       "lockorder: graph JSON, offset 24: expected true or false"},
      {"{\"runs\": [\"\\u00zz\"]}",
       "lockorder: graph JSON, offset 13: expected four hex digits after \\u"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string error;
    const lockorder::lock_graph g = lockorder::parse_json(c.text, error);
    CHECK(error == c.error);
    CHECK(g.runs.empty());
    CHECK(g.classes.empty());
    CHECK(g.edges.empty());
    CHECK_THROWS_WITH(lockorder::parse_json(c.text), c.error);
    CHECK_THROWS_AS(lockorder::parse_json(c.text), std::runtime_error);
  }
}

TEST_CASE("export: cycles() of a graph too large is an error value, or std::runtime_error") {
  lockorder::lock_graph g = abba();
  std::string error = "left from before";
  CHECK(lockorder::cycles(g, error).size() == 1);
  CHECK(error.empty());
  // 16384 more edges between new classes: 32770 classes, past the 32767 cycles() holds.
  for (int i = 0; i < 16384; ++i)
    g.edges.push_back({"x" + std::to_string(i), "y" + std::to_string(i), 1, false, false, "",
                       {}, "", "", 1});
  CHECK(lockorder::cycles(g, error).empty());
  CHECK(error == "lockorder: graph too large for cycles()");
  CHECK_THROWS_WITH(lockorder::cycles(g), "lockorder: graph too large for cycles()");
  CHECK_THROWS_AS(lockorder::suggest_hierarchy(g), std::runtime_error);
}
