// LOCKORDER_STACKTRACE=1: every dependency of a cycle carries the stack where it was
// first seen and the stack where the other lock was taken, each from the first frame
// that is not lockorder's own, and text() prints each under its own line.
#define LOCKORDER_STACKTRACE 1
#include <lockorder/lockorder.hpp>

#include <cstdio>
#include <string>
#include <thread>

LOCKORDER_CLASS(st_outer);
LOCKORDER_CLASS(st_inner);

lockorder::mutex<st_outer> outer;
lockorder::mutex<st_inner> inner;

[[gnu::noinline]] void forward_path() {
  std::lock_guard a(outer);
  std::lock_guard b(inner);
}
[[gnu::noinline]] void backward_path() {
  std::lock_guard b(inner);
  std::lock_guard a(outer);
}

int main() {
  int failures = 0, reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    for (const auto& d : r.chain) {
      if (d.first_seen.stack.size() < 2) ++failures;
      bool names_path = false;
      for (const auto& f : d.first_seen.stack)
        names_path |= f.find("_path") != std::string::npos;
      if (!names_path) ++failures;
      bool from_path = false;
      for (const auto& f : d.from_acquired_at.stack) from_path |= f.find("_path") != std::string::npos;
      if (!from_path) ++failures;
      for (const lockorder::site* s : {&d.first_seen, &d.from_acquired_at})
        if (!s->stack.empty() && s->stack.front().starts_with("lockorder::")) ++failures;
    }
    const std::string text = r.text();
    if (text.find("forward_path") == std::string::npos) ++failures;
    // Under "where <class> was taken at ...", that site's own stack.
    for (std::size_t at = text.find("       where "); at != std::string::npos;
         at = text.find("       where ", at + 1)) {
      const std::size_t next = text.find('\n', at) + 1;
      if (text.compare(next, 9, "         ") != 0) ++failures;
    }
    std::fputs(r.text().c_str(), stdout);
  });
  std::thread(forward_path).join();
  backward_path();
  std::printf("stacktrace: %d report(s), %d failed check(s)\n", reports, failures);
  return reports == 1 && failures == 0 ? 0 : 1;
}
