// lockorder-graph's merge() and cycles() (tools/graph_ops.cpp): what a union keeps, that
// it does not depend on the order of the runs, and a graph too large for cycles().
#include "graph_ops.hpp"

#include <lockorder/export.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

namespace {

lockorder::lock_graph run(const char* pid, bool waited, unsigned kinds, std::uint64_t chains) {
  lockorder::lock_graph g;
  g.runs = {pid};
  g.classes = {{"a", false, 0, false}, {"cv", false, 0, waited}};
  g.edges.push_back(
      {"a", "cv", kinds, false, false, "", {"f", "x.cpp", 3, {}}, "t/1", pid, chains});
  return g;
}

}  // namespace

TEST_CASE("graph_ops - merge keeps the union, whatever the order of the runs") {
  lockorder::lock_graph one, two;
  lockorder::tool::merge(one, run("pid 1", false, 1, 2));
  lockorder::tool::merge(one, run("pid 2", true, 4, 3));
  lockorder::tool::merge(two, run("pid 2", true, 4, 3));
  lockorder::tool::merge(two, run("pid 1", false, 1, 2));
  for (const auto* g : {&one, &two}) {
    REQUIRE(g->classes.size() == 2);
    CHECK(g->classes[1].completion);  // waited on in one run: a wait class
    REQUIRE(g->edges.size() == 1);
    CHECK(g->edges[0].kinds == 5);
    CHECK(g->edges[0].chains == 5);
  }
  CHECK(one.runs == std::vector<std::string>{"pid 1", "pid 2"});
  CHECK(one.edges[0].run == "pid 1");  // the first run's site
}

TEST_CASE("graph_ops - cycles, and a graph too large for them") {
  lockorder::lock_graph g;
  g.edges.push_back({"a", "b", 1, false, false, "", {}, "t/1", "r", 1});
  g.edges.push_back({"b", "a", 1, false, false, "", {}, "t/2", "r", 1});
  const auto found = lockorder::tool::cycles(g);
  REQUIRE(found.size() == 1);
  REQUIRE(found[0].size() == 2);
  CHECK(found[0][0].from == "a");
  CHECK(found[0][1].from == "b");
  // Both readers, both ways: lockdep's rules find no deadlock.
  g.edges[0].kinds = g.edges[1].kinds = 8;
  CHECK(lockorder::tool::cycles(g).empty());
  // 16384 more edges between new classes: 32770 classes, past the 32767 cycles() holds.
  for (int i = 0; i < 16384; ++i)
    g.edges.push_back({"x" + std::to_string(i), "y" + std::to_string(i), 1, false, false, "",
                       {}, "", "", 1});
  CHECK_THROWS_WITH(lockorder::tool::cycles(g),
                    "graph too large for cycles(): more than 32767 classes or 262144 dependencies");
}

TEST_CASE("graph_ops - a class's level and an order's reason do not depend on the order of the runs") {
  auto with = [](lockorder::level_t level, const char* why) {
    lockorder::lock_graph g;
    g.classes = {{"x", true, level, false}, {"y", false, 0, false}};
    g.edges.push_back({"x", "y", 1, true, false, why, {}, "", "", 1});
    return g;
  };
  lockorder::lock_graph one, two;
  lockorder::tool::merge(one, with(20, "the later reason"));
  lockorder::tool::merge(one, with(10, "an earlier reason"));
  lockorder::tool::merge(two, with(10, "an earlier reason"));
  lockorder::tool::merge(two, with(20, "the later reason"));
  for (const auto* g : {&one, &two}) {
    REQUIRE(g->classes.size() == 2);
    CHECK(g->classes[0].level == 10);  // the lowest, as suggest reads a class named twice
    REQUIRE(g->edges.size() == 1);
    CHECK(g->edges[0].rationale == "an earlier reason");  // the smallest
  }
}
