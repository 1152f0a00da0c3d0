// tests/tools/small_graph.hpp — the graph the suggest tests start from: two independent
// chains, an existing level on each side of them, a declared order, a wait class, a test
// class to drop, and names no declaration can spell. suggested_small.hpp is what
// `lockorder-graph suggest --drop ^test::` makes of it.
#pragma once

#include <lockorder/report_types.hpp>

#include <string>

namespace small_graph {

inline lockorder::graph_edge dep(std::string from, std::string to, std::string run,
                                 bool declared = false, std::string why = {}) {
  lockorder::graph_edge e;
  e.from = std::move(from);
  e.to = std::move(to);
  e.declared = declared;
  e.rationale = std::move(why);
  e.first_seen = {"f", "x.cpp", 7, {}};
  e.thread = "t/1";
  e.run = std::move(run);
  return e;
}

// Run 1: the app's chain, through the wait class app::flushed, and the test class.
inline lockorder::lock_graph app_run() {
  lockorder::lock_graph g;
  g.runs = {"pid 1"};
  g.classes = {{"app::db_mutex", false, 0, false},
               {"app::index_lock", false, 0, false},
               {"app::log_mutex", false, 0, false},
               {"app::{anonymous}::file_lock", false, 0, false},
               {"app::flushed", false, 0, true},
               {"app::stats_lock", false, 0, false},
               {"app::db_mutex/1", false, 0, false},
               {"app::buffer_lock#3", false, 0, false},
               {"test::fake_lock", false, 0, false},
               {"app::meta_lock", true, 5, false},
               {"app::table_lock", true, 10, false}};
  g.edges = {dep("app::db_mutex", "app::index_lock", "pid 1", true,
                 "index pages are read under the db"),
             dep("app::index_lock", "app::log_mutex", "pid 1"),
             dep("app::log_mutex", "app::{anonymous}::file_lock", "pid 1"),
             dep("app::log_mutex", "app::flushed", "pid 1"),
             dep("app::flushed", "app::stats_lock", "pid 1"),
             dep("app::db_mutex", "app::db_mutex/1", "pid 1"),
             dep("app::buffer_lock#3", "app::db_mutex", "pid 1"),
             dep("app::db_mutex", "test::fake_lock", "pid 1"),
             dep("app::meta_lock", "app::table_lock", "pid 1")};
  return g;
}

// Run 2: the network's chain, ending in two ranked classes, and a template's class.
inline lockorder::lock_graph net_run() {
  lockorder::lock_graph g;
  g.runs = {"pid 2"};
  g.classes = {{"net::socket_lock", false, 0, false},
               {"net::queue_lock", false, 0, false},
               {"net::io_lock", false, 0, false},
               {"app::table_lock", true, 10, false},
               {"app::cache_lock", true, 20, false},
               {"app::pool<int>::lock", false, 0, false}};
  g.edges = {dep("net::socket_lock", "net::queue_lock", "pid 2"),
             dep("net::queue_lock", "net::io_lock", "pid 2"),
             dep("net::io_lock", "app::table_lock", "pid 2"),
             dep("app::table_lock", "app::cache_lock", "pid 2"),
             dep("net::queue_lock", "app::pool<int>::lock", "pid 2")};
  return g;
}

}  // namespace small_graph
