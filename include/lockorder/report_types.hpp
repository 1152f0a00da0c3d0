// lockorder/report_types.hpp — a run-time report as data: its kind, the locks with their
// sites, the dependencies of a cycle, and the observed graph (graph_class, graph_edge,
// lock_graph: written by export.hpp, read by tools/lockorder-graph). report.hpp adds where
// reports go; this header is what the rendering (detail/format.hpp) and the graph's JSON
// need.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockorder {

enum class report_kind {
  circular_dependency,   ///< a new dependency closes a cycle in the class graph
  order_violation,       ///< an acquisition breaks the declared levels (no cycle needed)
  recursive_lock,        ///< a class (or the very lock) taken again while held: AA
  bad_unlock,            ///< unlock of a lock this thread does not hold
  destroyed_while_held,  ///< a lock destroyed while some thread holds it
  held_at_thread_exit,   ///< a thread ended holding locks
  limit_reached,         ///< a validator table is full: what did not fit is not recorded
  stale_context,         ///< a context used after a child lock was taken through it
  assertion_failed,      ///< m.assert_held() / m.assert_not_held() did not hold
};

/// The kind's name as written in the enum ("circular_dependency", ...).
std::string_view to_string(report_kind k) noexcept;

enum class lock_mode { exclusive, shared, recursive_read };

/// What was done with a class: a lock taken, a completion waited for or signalled, or a
/// signalling section entered (completion.hpp).
enum class lock_op { acquire, wait, complete, section };

/// Where something happened: a source location when one is known, else the symbolized
/// return address of the acquisition. `stack` holds further frames when recorded.
struct site {
  std::string function;  ///< function name (module+offset only when no symbol names it)
  std::string file;      ///< empty when the program has no debug info for it
  unsigned line = 0;
  std::vector<std::string> stack;  ///< innermost first; filled with LOCKORDER_STACKTRACE=1
  /// Internal: the code addresses the validator captured ({pc, return address, stack
  /// frames...}), turned into the fields above after it released its lock. Empty in every
  /// report a handler or a graph export sees.
  std::vector<void*> raw_addresses = {};
  [[nodiscard]] bool known() const noexcept { return !function.empty() || !file.empty(); }
};

/// One lock as a report shows it.
struct lock_info {
  std::string class_name;  ///< with "/N" for nesting subclass N
  bool ranked = false;
  level_t level = 0;
  unsigned subclass = 0;
  lock_mode mode = lock_mode::exclusive;
  bool is_try = false;
  bool is_completion = false;  ///< the class is used as a completion (shown "(completion)")
  lock_op op = lock_op::acquire;
  const void* instance = nullptr;
  std::string instance_name;  ///< set with lockorder::name_lock() (e.g. "intel_iommu.lock")
  site acquired_at;
};

/// One dependency "`to` was taken while `from` was held", with where it was first seen.
/// For a dependency out of a completion (op complete/section): `from` is the completion
/// and `to` a lock held when it was signalled (or taken inside its signalling section).
struct dependency {
  lock_info from;
  lock_info to;
  lock_op how = lock_op::acquire;  ///< acquire / wait: `to` was; complete: `from` was
  site first_seen;        ///< where it happened: `to` acquired (waited), or `from` signalled
  site from_acquired_at;  ///< where the other lock had been acquired, in that same thread
  std::string thread;     ///< the thread that first showed it
  bool declared = false;  ///< declared with after<> (first_seen: the class definition)
  std::string rationale;  ///< the declared reason for this order
  /// Kept from a path from -> X -> to when X, an own class, was reclaimed with its lock:
  /// first_seen is where `to` was taken under X, from_acquired_at where `from` was taken.
  bool through_reclaimed = false;
};

struct report {
  report_kind kind = report_kind::circular_dependency;
  std::string thread;          ///< reporting thread: "name/id"
  bool has_acquiring = false;  ///< whether `acquiring` is meaningful for this kind
  lock_info acquiring;         ///< the acquisition being attempted (or the lock concerned)
  std::vector<lock_info> held; ///< what the reporting thread holds, outermost first
  /// For circular_dependency: the existing chain from `acquiring` back to the held lock,
  /// in order (chain[0].from is the lock being acquired), then the new dependency last.
  /// For order_violation: the single dependency that breaks the levels.
  std::vector<dependency> chain;
  std::string message;  ///< one line saying what happened
  /// destroyed_while_held, bad_unlock: where the reporting thread took the lock, when it
  /// holds it (another thread's acquisitions are that thread's own record: unknown here).
  site taken_at = {};

  /// lockdep-style rendering (headline, locks, chain with sites, scenario, held locks).
  [[nodiscard]] std::string text() const;
};

/// A class of the observed graph (export.hpp).
struct graph_class {
  std::string name;
  bool ranked = false;
  level_t level = 0;
  bool completion = false;
};

/// A dependency of the observed graph: `to` taken while `from` was held, first seen at
/// `first_seen` in `thread` of run `run`; `chains`: held-class sequences that showed it.
struct graph_edge {
  std::string from, to;
  unsigned kinds = 1;  ///< bit (from held as recursive reader * 2 + to taken as one)
  bool declared = false;
  bool reported = false;  ///< reported (closed a cycle or broke an order), so not learned
  std::string rationale;
  site first_seen;
  std::string thread;
  std::string run;
  std::uint64_t chains = 1;
};

/// The class graph as data: what one process observed, or the union of several runs.
/// Written as JSON, DOT or Markdown by export.hpp; read, merged, checked for cycles and
/// turned into a suggested hierarchy by tools/lockorder-graph.
struct lock_graph {
  std::vector<std::string> runs;
  std::vector<graph_class> classes;
  std::vector<graph_edge> edges;
};

}  // namespace lockorder
