// lockorder/detail/format.hpp — report::text(): the lockdep-shaped rendering.
// Internal: not a stable interface (the text itself is covered by golden tests).
#pragma once

#include <lockorder/report_types.hpp>

#include <algorithm>
#include <string>

namespace lockorder {
namespace detail {

inline std::string describe_site(const site& s) {
  std::string out;
  if (!s.function.empty()) out += s.function;
  if (!s.file.empty()) {
    out += out.empty() ? "" : " ";
    out += "(" + s.file + ":" + std::to_string(s.line) + ")";
  }
  return out.empty() ? std::string("<unknown site>") : out;
}

inline std::string describe_lock(const lock_info& l, bool with_site) {
  std::string out = l.class_name;
  std::string attrs;
  if (l.ranked) attrs += "level " + std::to_string(l.level);
  if (l.mode != lock_mode::exclusive)
    attrs += (attrs.empty() ? "" : ", ") +
             std::string(l.mode == lock_mode::shared ? "shared" : "recursive read");
  if (l.is_try) attrs += (attrs.empty() ? "" : ", ") + std::string("trylock");
  if (!attrs.empty()) out += " (" + attrs + ")";
  if (!l.instance_name.empty()) out += " [" + l.instance_name + "]";
  if (with_site) out += ", at: " + describe_site(l.acquired_at);
  return out;
}

inline void append_stack(std::string& out, const site& s, const char* indent) {
  for (const auto& f : s.stack) out += std::string(indent) + f + "\n";
}

inline std::string lock_verb(const lock_info& l) {
  if (l.op == lock_op::wait) return "wait(";
  if (l.op == lock_op::complete) return "complete(";
  return l.mode == lock_mode::exclusive ? "lock(" : "rlock(";
}

// lockdep's "Possible unsafe locking scenario" table, and for longer chains the full
// one-thread-per-dependency scenario that makes the deadlock explicit.
inline void append_scenario(std::string& out, const report& r) {
  const auto& c = r.chain;
  if (c.empty()) return;
  const lock_info& target = r.acquiring;          // being acquired
  const lock_info& source = c.back().from;        // held now
  const lock_info& parent = c.size() >= 2 ? c[c.size() - 2].from : target;
  // CPU1 takes `source` as the dependency parent -> source recorded it: its own mode (a
  // writer stays lock(), a wait stays wait()), not the mode this thread holds it in.
  const lock_info& source_on_cpu1 = c.size() >= 2 ? c[c.size() - 2].to : source;
  auto col = [](const std::string& s) {
    std::string p = s;
    if (p.size() < 32) p.resize(32, ' ');
    return p;
  };
  out += "\nother info that might help us debug this:\n\n";
  if (c.size() > 2) {
    out += "Chain exists of:\n  ";
    for (std::size_t i = 0; i < c.size(); ++i)
      out += (i ? " --> " : "") + c[i].from.class_name;
    out += "\n\n";
  }
  out += " Possible unsafe locking scenario:\n\n";
  out += "       " + col("CPU0") + "CPU1\n";
  out += "       " + col("----") + "----\n";
  out += "  " + lock_verb(source) + source.class_name + ");\n";
  out += "       " + col("") + lock_verb(parent) + parent.class_name + ");\n";
  out += "       " + col("") + lock_verb(source_on_cpu1) + source_on_cpu1.class_name + ");\n";
  out += "  " + lock_verb(target) + target.class_name + ");\n";
  out += "\n *** DEADLOCK ***\n";
  if (c.size() > 2) {
    out += "\n Full scenario, one thread per dependency (each holds the first lock and waits "
           "for the second):\n\n";
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto& d = c[(i + c.size() - 1) % c.size()];
      out += "  thread " + std::to_string(i) + ": ";
      if (d.from.is_completion)
        out += "lock(" + d.to.class_name + ") before complete(" + d.from.class_name + ");\n";
      else
        out += lock_verb(d.from) + d.from.class_name + ");  then " +
               (d.to.is_completion ? std::string("wait(") : lock_verb(d.to)) + d.to.class_name +
               ");\n";
    }
  }
}

// For a cycle through a wait or a signal: in words, what would have to happen at once
// for it to deadlock, and how to break it (lockdep's scenario only knows locks).
inline void append_wait_explanation(std::string& out, const report& r) {
  bool waits = false;
  for (const auto& d : r.chain)
    waits |= d.how != lock_op::acquire || d.from.is_completion || d.to.is_completion;
  if (!waits) return;
  out += "\n For this to deadlock, all of these would have to happen at once:\n";
  bool wait = false, signal = false, section = false;
  for (const auto& d : r.chain) {
    const std::string& f = d.from.class_name;
    const std::string& t = d.to.class_name;
    if (d.how == lock_op::complete) {
      signal = true;
      out += "  - " + f + " is signalled by a thread that holds " + t + " at that point;\n";
    } else if (d.how == lock_op::wait) {
      wait = true;
      out += "  - a thread holding " + f + " waits for " + t + ";\n";
    } else if (d.from.is_completion) {
      section = true;
      out += "  - " + f + " is signalled only after the thread in its signalling section " +
             "has " + (d.to.is_completion ? "waited for " : "taken ") + t +
             " (for a lockorder::thread: it exits only after its body has);\n";
    } else {
      out += "  - a thread holding " + f + " waits to take " + t + ";\n";
    }
  }
  out += " each waiting for the next. To break it, one of:\n";
  if (wait)
    out += "  - wait (or join) after releasing what the waiting thread holds, or with a "
           "timeout (wait_for: not recorded, it recovers);\n";
  if (signal)
    out += "  - signal after releasing the lock held while signalling;\n";
  if (section)
    out += "  - keep the lock out of the signalling section (a lockorder::thread's body is "
           "its exit's section: everything it takes or waits for delays join());\n";
  if (wait && signal)
    out += "  - if the signal the wait needs is always made before the wait begins (one "
           "thread signals, then waits, holding the lock throughout), no thread can block "
           "on it: release the lock between the two, or see "
           "docs/runtime.md#signal-then-wait.\n";
}

inline void append_held(std::string& out, const report& r) {
  if (r.held.empty()) {
    out += "\nno locks held by " + r.thread + ".\n";
    return;
  }
  out += "\n" + std::to_string(r.held.size()) + (r.held.size() == 1 ? " lock" : " locks") +
         " held by " + r.thread + ":\n";
  for (std::size_t i = 0; i < r.held.size(); ++i)
    out += " #" + std::to_string(i) + ": " + describe_lock(r.held[i], true) + "\n";
}

inline void append_dependency(std::string& out, const dependency& d, std::size_t n) {
  out += "\n-> #" + std::to_string(n) + " (" + d.to.class_name + "):\n";
  const std::string thread = d.thread.empty() ? "" : " [thread " + d.thread + "]";
  if (d.declared) {
    out += "       declared after " + d.from.class_name + " in the definition of " +
           d.to.class_name + " " + describe_site(d.first_seen) + "\n       because: " +
           d.rationale + "\n";
    return;
  }
  // With LOCKORDER_STACKTRACE=1, each site's stack under its own line.
  if (d.how == lock_op::complete) {
    out += "       held when " + d.from.class_name + " was signalled at " +
           describe_site(d.first_seen) + thread + "\n";
    append_stack(out, d.first_seen, "         ");
    if (d.from_acquired_at.known()) {
      out += "       where " + d.to.class_name + " was taken at " +
             describe_site(d.from_acquired_at) + "\n";
      append_stack(out, d.from_acquired_at, "         ");
    }
  } else {
    const bool in_section = d.from.is_completion;
    out += "       " +
           std::string(d.how == lock_op::wait ? "waited for while holding "
                       : in_section           ? "taken inside the signalling section of "
                                              : "taken after ") +
           d.from.class_name + " at " + describe_site(d.first_seen) + thread + "\n";
    append_stack(out, d.first_seen, "         ");
    if (d.from_acquired_at.known()) {
      out += "       where " +
             (in_section ? "the section of " + d.from.class_name + " was opened"
                         : d.from.class_name + " was taken") +
             " at " + describe_site(d.from_acquired_at) + "\n";
      append_stack(out, d.from_acquired_at, "         ");
    }
    if (d.through_reclaimed)
      out += "       (learned through a lock between them whose own class was reclaimed when "
             "it was destroyed: the order it proved is kept)\n";
  }
}

}  // namespace detail

inline std::string report::text() const {
  using namespace detail;
  const std::string bar(54, '=');
  const std::string dash(54, '-');
  std::string out = "\n" + bar + "\nWARNING: ";
  switch (kind) {
    case report_kind::circular_dependency: out += "possible circular locking dependency detected"; break;
    case report_kind::order_violation:
      out += chain.size() > 1 ? "lock order violation: declared order broken"
                              : "lock order violation: declared levels broken";
      break;
    case report_kind::recursive_lock: out += "possible recursive locking detected"; break;
    case report_kind::bad_unlock: out += "bad unlock balance detected"; break;
    case report_kind::destroyed_while_held: out += "held lock destroyed"; break;
    case report_kind::held_at_thread_exit: out += "lock held when returning to thread exit"; break;
    case report_kind::limit_reached: out += "lockorder table full"; break;
    case report_kind::stale_context: out += "stale lockorder context used"; break;
    case report_kind::assertion_failed: out += "lock assertion failed"; break;
  }
  out += "\n" + dash + "\n" + message + "\n";
  if (has_acquiring) {
    const char* doing = kind == report_kind::bad_unlock || kind == report_kind::destroyed_while_held
                            ? " is releasing or freeing lock:\n  "
                        : kind == report_kind::assertion_failed ? " asserts about lock:\n  "
                        : acquiring.op == lock_op::wait     ? " is trying to wait for:\n  "
                        : acquiring.op == lock_op::complete ? " is trying to signal:\n  "
                                                            : " is trying to acquire lock:\n  ";
    out += "\n" + thread + doing + describe_lock(acquiring, true) + "\n";
    append_stack(out, acquiring.acquired_at, "    ");
    if (taken_at.known()) {
      out += "\nwhich " + thread + " took at: " + describe_site(taken_at) + "\n";
      append_stack(out, taken_at, "    ");
    }
  }
  const bool declared_path = kind == report_kind::order_violation && chain.size() > 1;
  if ((kind == report_kind::circular_dependency || declared_path) && !chain.empty()) {
    out += "\nbut task is already holding lock:\n  " + describe_lock(chain.back().from, true) +
           (declared_path ? "\n\nwhich is declared to be taken after the new lock.\n"
                          : "\n\nwhich lock already depends on the new lock.\n");
    out += declared_path ? "\nthe declared order (in reverse order) is:\n"
                         : "\nthe existing dependency chain (in reverse order) is:\n";
    for (std::size_t i = chain.size() - 1; i-- > 0;) append_dependency(out, chain[i], i + 1);
    append_dependency(out, chain.back(), 0);
    append_scenario(out, *this);
    append_wait_explanation(out, *this);
  } else if (kind == report_kind::order_violation && !chain.empty()) {  // levels
    const auto& d = chain.front();
    out += "\nbut task is already holding lock:\n  " + describe_lock(d.from, true) + "\n";
    out += "\n" + d.from.class_name + " (level " + std::to_string(d.from.level) +
           ") is declared to be taken after " + d.to.class_name + " (level " +
           std::to_string(d.to.level) + ").\n";
    if (!d.rationale.empty()) out += "declared order: " + d.rationale + "\n";
  }
  if (kind != report_kind::limit_reached) append_held(out, *this);
  out += bar + "\n";
  return out;
}

}  // namespace lockorder
