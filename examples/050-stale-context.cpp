// 050 — the one hole C++ leaves open, and how the run-time layer covers it.
//
// A context's type says what the thread holds. Nothing in C++ stops code from using an
// older context after taking a lock through it (the guard is still in scope), or from
// calling unlocked() again while locks are held. The compile-time check then sees less
// than the thread holds. With LOCKORDER_CHECK_CONTEXT=1 (the default with the runtime)
// every context knows its depth, and using one that is not the thread's innermost is
// reported at once. The locks themselves are still validated either way.
#include <lockorder/lockorder.hpp>

#include <cstdio>

LOCKORDER_CLASS(bus_lock, 10);
LOCKORDER_CLASS(port_lock, 20);
LOCKORDER_CLASS(stats_lock, 30);

lockorder::mutex<bus_lock> bus;
lockorder::mutex<port_lock> port;
lockorder::mutex<stats_lock> stats;

int main() {
  int stale = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    stale += r.kind == lockorder::report_kind::stale_context;
    std::fputs(r.text().c_str(), stdout);
  });
  auto b = lockorder::unlocked().lock(bus);
  auto p = b.lock(port);
  auto s = b.lock(stats);  // compiles (bus < stats), but `b` is stale: p holds port too
  std::printf("050: %d stale-context report(s)\n", stale);
  return stale == 1 ? 0 : 1;
}
