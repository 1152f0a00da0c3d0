// `lockorder-graph suggest` (tools/suggest.cpp): the exact text for a small graph, which
// this file also includes, pasted (suggested_small.hpp), so it must compile and order the
// classes as they were observed; stability under the order of runs and merges; --keep and
// --drop; a partial order stays partial; existing levels and declared orders are kept;
// cycles and level conflicts instead of a suggestion.
#include "graph_ops.hpp"
#include "small_graph.hpp"
#include "suggest.hpp"

#include <lockorder/lockorder.hpp>

#include "suggested_small.hpp"  // the suggestion, pasted: compiled here

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>

#ifndef LOCKORDER_TOOLS_TEST_DIR
#  error "LOCKORDER_TOOLS_TEST_DIR: suggested_small.hpp's directory (tests/tools/CMakeLists.txt)"
#endif

namespace {

using lockorder::tool::suggest_hierarchy;
using lockorder::tool::suggest_options;

lockorder::lock_graph both_runs(bool net_first = false) {
  lockorder::lock_graph g;
  lockorder::tool::merge(g, net_first ? small_graph::net_run() : small_graph::app_run());
  lockorder::tool::merge(g, net_first ? small_graph::app_run() : small_graph::net_run());
  return g;
}

std::string suggest(const lockorder::lock_graph& g, suggest_options o = {}) {
  const auto s = suggest_hierarchy(g, o);
  CHECK(s.cycles.empty());
  return s.code;
}

const suggest_options drop_tests{{}, {"^test::"}};

// suggested_small.hpp from its sixth line on: the first five are its banner.
std::string expected_small() {
  std::ifstream in(LOCKORDER_TOOLS_TEST_DIR "/suggested_small.hpp");
  std::string line, text;
  for (int n = 1; std::getline(in, line); ++n)
    if (n > 5) text += line + "\n";
  return text;
}

// The header every suggestion starts with, for `runs` runs.
std::string header(int runs) {
  return "// Suggested by lockorder-graph from " + std::to_string(runs) +
         " run(s): the order they observed that the\n"
         "// code does not enforce yet, as a partial order (docs/graph.md#suggesting-a-hierarchy).\n"
         "// Each LOCKORDER_CLASS replaces the class's definition, keeping its level and declared\n"
         "// orders (a hierarchy's steps come back as after<>: keep its in<> instead). A scope is\n"
         "// written as a namespace: where it is a class, define the lock class inside it.\n";
}

lockorder::graph_edge dep(const char* from, const char* to, unsigned kinds = 1) {
  auto e = small_graph::dep(from, to, "pid 1");
  e.kinds = kinds;
  return e;
}

// The pasted suggestion's classes, in the contexts a user's code would have.
using root = decltype(lockorder::unlocked());
template <class C>
using with = decltype(std::declval<root&>().lock(std::declval<lockorder::mutex<C>&>()));
template <class Ctx, class C>
inline constexpr bool can = lockorder::can_lock<Ctx, lockorder::mutex<C>>;

}  // namespace

TEST_CASE("suggest - the small graph's suggestion, exactly as suggested_small.hpp has it") {
  CHECK(suggest(both_runs(), drop_tests) == expected_small());
}

TEST_CASE("suggest - the pasted suggestion orders what was observed, and nothing else") {
  // The net chain, through the two ranked classes at its end.
  STATIC_REQUIRE(can<with<net::socket_lock>, net::queue_lock>);
  STATIC_REQUIRE_FALSE(can<with<net::queue_lock>, net::socket_lock>);
  STATIC_REQUIRE_FALSE(can<with<net::io_lock>, net::socket_lock>);
  STATIC_REQUIRE_FALSE(can<with<app::table_lock>, net::io_lock>);
  STATIC_REQUIRE_FALSE(can<with<app::cache_lock>, net::socket_lock>);
  // The app chain, after the declared order it started from; the wait class's evidence.
  STATIC_REQUIRE_FALSE(can<with<app::index_lock>, app::db_mutex>);
  STATIC_REQUIRE_FALSE(can<with<app::log_mutex>, app::index_lock>);
  STATIC_REQUIRE_FALSE(can<with<app::stats_lock>, app::log_mutex>);
  STATIC_REQUIRE_FALSE(can<with<app::file_lock>, app::log_mutex>);
  // Levels kept: meta_lock (5) before table_lock (10) without a declared order.
  STATIC_REQUIRE_FALSE(can<with<app::table_lock>, app::meta_lock>);
  // A partial order: the two chains, and log_mutex's two successors, stay unordered.
  STATIC_REQUIRE(can<with<net::socket_lock>, app::log_mutex>);
  STATIC_REQUIRE(can<with<app::log_mutex>, net::socket_lock>);
  STATIC_REQUIRE(can<with<app::stats_lock>, app::file_lock>);
  STATIC_REQUIRE(can<with<app::file_lock>, app::stats_lock>);
}

TEST_CASE("suggest - the order of runs, classes and dependencies changes nothing") {
  const std::string one = suggest(both_runs(), drop_tests);
  CHECK(suggest(both_runs(true), drop_tests) == one);
  lockorder::lock_graph reversed = both_runs();
  std::reverse(reversed.classes.begin(), reversed.classes.end());
  std::reverse(reversed.edges.begin(), reversed.edges.end());
  CHECK(suggest(reversed, drop_tests) == one);
  // A third run that sees again what the first saw: only the count of runs changes.
  lockorder::lock_graph three = both_runs(true);
  auto again = small_graph::app_run();
  again.runs = {"pid 3"};
  lockorder::tool::merge(three, again);
  std::string more = suggest(three, drop_tests);
  REQUIRE(more.rfind(header(3), 0) == 0);
  CHECK(header(2) + more.substr(header(3).size()) == one);
}

TEST_CASE("suggest - keep and drop choose classes by name, the orders through them stay") {
  const std::string net = suggest(both_runs(), {{"^net::"}, {}});
  CHECK(net.find("using socket_locks = lockorder::hierarchy<\n"
                 "    lockorder::step<::net::socket_lock, \"observed: first of this chain\">,\n"
                 "    lockorder::step<::net::queue_lock, \"observed: net::socket_lock --> net::queue_lock\">,\n"
                 "    lockorder::step<::net::io_lock, \"observed: net::queue_lock --> net::io_lock\">>;\n") !=
        std::string::npos);
  CHECK(net.find("LOCKORDER_CLASS(socket_lock, lockorder::in<::net::socket_locks>);\n") !=
        std::string::npos);
  CHECK(net.find("struct db_mutex;") == std::string::npos);
  CHECK(net.find("//   app::db_mutex: dropped (--keep, --drop)\n") != std::string::npos);
  CHECK(net.find("//   test::fake_lock: dropped (--keep, --drop)\n") != std::string::npos);
  CHECK(suggest(both_runs(), {{}, {"^app::", "^test::"}}) == net);

  // log_mutex dropped: index_lock is still before its two successors, through it.
  const std::string no_log = suggest(both_runs(), {{}, {"^test::", "log_mutex"}});
  CHECK(no_log.find("index_locks") == std::string::npos);
  CHECK(no_log.find("LOCKORDER_CLASS(stats_lock,\n    lockorder::after<::app::index_lock, "
                    "\"observed: app::index_lock --> app::log_mutex --> (completion)app::flushed "
                    "--> app::stats_lock\">);\n") != std::string::npos);
  CHECK(no_log.find("//   app::log_mutex: dropped (--keep, --drop)\n") != std::string::npos);

  CHECK_THROWS_WITH(suggest_hierarchy(both_runs(), {{"("}, {}}),
                    Catch::StartsWith("--keep '(': not a regular expression ("));
}

TEST_CASE("suggest - two independent chains are two hierarchies, not one order") {
  lockorder::lock_graph g;
  g.runs = {"pid 1"};
  g.edges = {dep("a1", "a2"), dep("b1", "b2"), dep("a2", "a3"), dep("b2", "b3"), dep("b1", "c")};
  CHECK(suggest(g) == header(1) +
                          "\n"
                          "struct a1;\nstruct a2;\nstruct a3;\nstruct b1;\nstruct b2;\nstruct b3;\n"
                          "struct c;\n"
                          "\n"
                          "using a1_locks = lockorder::hierarchy<\n"
                          "    lockorder::step<::a1, \"observed: first of this chain\">,\n"
                          "    lockorder::step<::a2, \"observed: a1 --> a2\">,\n"
                          "    lockorder::step<::a3, \"observed: a2 --> a3\">>;\n"
                          "\n"
                          "using b1_locks = lockorder::hierarchy<\n"
                          "    lockorder::step<::b1, \"observed: first of this chain\">,\n"
                          "    lockorder::step<::b2, \"observed: b1 --> b2\">,\n"
                          "    lockorder::step<::b3, \"observed: b2 --> b3\">>;\n"
                          "\n"
                          "LOCKORDER_CLASS(a1, lockorder::in<::a1_locks>);\n"
                          "LOCKORDER_CLASS(a2, lockorder::in<::a1_locks>);\n"
                          "LOCKORDER_CLASS(a3, lockorder::in<::a1_locks>);\n"
                          "LOCKORDER_CLASS(b1, lockorder::in<::b1_locks>);\n"
                          "LOCKORDER_CLASS(b2, lockorder::in<::b1_locks>);\n"
                          "LOCKORDER_CLASS(b3, lockorder::in<::b1_locks>);\n"
                          "LOCKORDER_CLASS(c, lockorder::after<::b1, \"observed: b1 --> c\">);\n");
}

TEST_CASE("suggest - existing levels are kept, and what they already order is not repeated") {
  lockorder::lock_graph g;
  g.runs = {"pid 1"};
  g.classes = {{"x", true, 10, false}, {"y", true, 20, false}};
  g.edges = {dep("x", "y"), dep("x", "w")};
  CHECK(suggest(g) == header(1) +
                          "\n"
                          "struct w;\nstruct x;\nstruct y;\n"
                          "\n"
                          "LOCKORDER_CLASS(w, lockorder::after<::x, \"observed: x --> w\">);\n"
                          "LOCKORDER_CLASS(x, 10);\n"
                          "LOCKORDER_CLASS(y, 20);\n");
  // Where a chain needs it, the order of two ranked classes is declared too: levels and
  // declared orders are checked apart, so u before y needs u --> x --> y declared.
  g.edges = {dep("x", "y"), dep("u", "x")};
  CHECK(suggest(g) == header(1) +
                          "\n"
                          "struct u;\nstruct x;\nstruct y;\n"
                          "\n"
                          "using u_locks = lockorder::hierarchy<\n"
                          "    lockorder::step<::u, \"observed: first of this chain\">,\n"
                          "    lockorder::step<::x, \"observed: u --> x\">,\n"
                          "    lockorder::step<::y, \"observed: x --> y\">>;\n"
                          "\n"
                          "LOCKORDER_CLASS(u, lockorder::in<::u_locks>);\n"
                          "LOCKORDER_CLASS(x, 10, lockorder::in<::u_locks>);\n"
                          "LOCKORDER_CLASS(y, 20, lockorder::in<::u_locks>);\n");
}

TEST_CASE("suggest - an order against the levels, or a cycle, gives the evidence instead") {
  lockorder::lock_graph g;
  g.classes = {{"x", true, 20, false}, {"y", true, 10, false}};
  g.edges = {dep("x", "y")};
  auto s = suggest_hierarchy(g);
  CHECK(s.code.empty());
  REQUIRE(s.cycles.size() == 1);
  REQUIRE(s.cycles[0].size() == 2);
  CHECK(s.cycles[0][1].rationale == "levels 10 < 20");

  g.classes[0].level = 10;  // one level: two classes of it cannot nest
  s = suggest_hierarchy(g);
  REQUIRE(s.cycles.size() == 1);
  REQUIRE(s.cycles[0].size() == 2);
  CHECK(s.cycles[0][0].from == "x");
  CHECK(s.cycles[0][1].rationale == "levels 10 and 10: two classes of one level cannot nest");

  g.classes.clear();
  g.edges.push_back(dep("y", "x"));
  s = suggest_hierarchy(g);
  CHECK(s.code.empty());
  CHECK(s.cycles.size() == 1);
}

TEST_CASE("suggest - names no declaration can use, and readers both ways, are listed") {
  lockorder::lock_graph g;
  g.runs = {"pid 1"};
  g.edges = {dep("n::x", "n::{anonymous}::x"), dep("r1", "r2", 8), dep("r2", "r1", 8),
             dep("f()::local", "n::x")};
  CHECK(suggest(g) ==
        header(1) +
            "\n"
            "struct r1;\nstruct r2;\n"
            "\n"
            "namespace n {\nstruct x;\n}  // namespace n\n"
            "\n"
            "LOCKORDER_CLASS(r1);\nLOCKORDER_CLASS(r2);\n"
            "\n"
            "namespace n {\nLOCKORDER_CLASS(x);\n}  // namespace n\n"
            "\n"
            "// Not declared here:\n"
            "//   f()::local: not a qualified name a declaration can use\n"
            "//   n::{anonymous}::x: its name is ambiguous with n::x\n"
            "//   r1, r2: on a cycle of recursive readers (no deadlock): left unordered\n");
}

TEST_CASE("suggest - an empty graph") {
  CHECK(suggest({}) == header(0) + "// No class to declare.\n");
}
