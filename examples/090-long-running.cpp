// 090 — a server that runs for weeks: per-connection classes, reclaimed.
//
// Each connection's lock has a class of its own (lockorder::own_class: connections are
// never locked together in a fixed order, so one class for all of them would call every
// nesting of two a deadlock). A million connections come and go here, each locked under
// the server's lock and over the statistics lock. Each connection's class is reclaimed
// when its lock is destroyed: the class table (16,384 classes by default) never fills,
// the validator keeps checking, and the order the connections proved (server before
// stats, learned through them) is kept after they are gone. Then a new inversion between
// two classes first used at the end is reported, as on the first day.
#include <lockorder/lockorder.hpp>
#include <lockorder/testing.hpp>

#include <cstdio>
#include <cstdlib>
#include <mutex>

LOCKORDER_CLASS(server_lock);
LOCKORDER_CLASS(conn_lock);
LOCKORDER_CLASS(stats_lock);
LOCKORDER_CLASS(config_lock);
LOCKORDER_CLASS(log_lock);

struct connection {
  lockorder::mutex<conn_lock> lock{lockorder::own_class};  // a class per connection
  long bytes = 0;
};

lockorder::mutex<server_lock> server;
lockorder::mutex<stats_lock> stats;
lockorder::mutex<config_lock> config;
lockorder::mutex<log_lock> logger;
long total_bytes = 0;

void serve(long id) {
  connection c;
  std::lock_guard s(server);
  std::lock_guard k(c.lock);
  c.bytes = id % 1500;
  std::lock_guard st(stats);  // server -> conn#n -> stats
  total_bytes += c.bytes;
}

int main() {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stdout);
  });
  // 1,000,000 (the sanitizer builds' ctest runs pass 100,000: they are 10-50x slower).
  const char* count = std::getenv("LOCKORDER_EXAMPLE_CONNECTIONS");
  const long connections = count ? std::atol(count) : 1000000;
  for (long id = 0; id < connections; ++id) serve(id);
  const auto n = lockorder::validator_counters_now();
  std::printf("090: %ld connections served; %llu classes reclaimed, %llu recorded now, "
              "%llu dependencies; %d report(s) so far\n",
              connections, static_cast<unsigned long long>(n.classes_reclaimed),
              static_cast<unsigned long long>(n.classes),
              static_cast<unsigned long long>(n.dependencies), reports);

  {  // the first day's kind of bug, on day 30: still reported
    std::lock_guard a(config);
    std::lock_guard b(logger);
  }
  {
    std::lock_guard b(logger);
    std::lock_guard a(config);
  }
  {  // and server -> stats, proved by connections long gone, still binds
    std::lock_guard st(stats);
    std::lock_guard s(server);
  }
  std::printf("090: %d report(s): the new inversion, and stats -> server against the order "
              "the reclaimed connections proved\n",
              reports);
  return reports == 2 && n.classes_reclaimed == static_cast<unsigned long long>(connections)
             ? 0
             : 1;
}
