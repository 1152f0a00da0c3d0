// 080 — a struct of locks as the hierarchy: the field order is the order.
//
// A network device has three locks, always taken in one order: its configuration, then
// its transmit queue, then its statistics. Written as a struct, that order needs no
// levels: lockorder::lock_fields() takes the fields in field order (all of them, or the
// ones named by index), and rejects at compile time a call that would take a field after
// a later one's class. name_fields() names the fields in run-time reports, so a by-hand
// inversion outside the checked path is reported as "netdev_locks.field<2>", not just
// as a class.
//
// expect-first-error: aggregate_field_taken_out_of_order.*aggregate<netdev_locks>.*acquiring_field<1, queue_lock>.*while_holding_field<2, stats_lock>
// expect: aggregate field order violation
#include <lockorder/lockorder.hpp>

#include <cstdio>
#include <deque>
#include <mutex>
#include <string>

LOCKORDER_CLASS(config_lock);  // unranked: the struct below orders them
LOCKORDER_CLASS(queue_lock);
LOCKORDER_CLASS(stats_lock);

// The hierarchy, written once: config, then queue, then stats.
struct netdev_locks {
  lockorder::mutex<config_lock> config;
  lockorder::mutex<queue_lock> queue;
  lockorder::mutex<stats_lock> stats;
};

struct netdev {
  netdev_locks locks;
  int mtu = 1500;
  std::deque<int> tx;
  long packets = 0;
};

// Reconfiguring stops everything: all three, in field order.
void set_mtu(netdev& dev, int mtu) {
  auto all = lockorder::lock_fields(lockorder::unlocked(), dev.locks);
  dev.mtu = mtu;
  dev.tx.clear();
}

// The transmit path needs the queue and the statistics: fields 1 and 2, in that order.
void transmit(netdev& dev, int packet) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto stats = lockorder::lock_fields<2>(lockorder::unlocked(), dev.locks);
  auto queue = lockorder::lock_fields<1>(stats, dev.locks);  // queue after stats: rejected
#else
  auto both = lockorder::lock_fields<1, 2>(lockorder::unlocked(), dev.locks);
#endif
  dev.tx.push_back(packet);
  ++dev.packets;
}

// Code that bypasses contexts is checked at run time only: this one inverts the order.
long read_stats_and_queue(netdev& dev) {
  std::lock_guard stats(dev.locks.stats);
  std::lock_guard queue(dev.locks.queue);
  return dev.packets + static_cast<long>(dev.tx.size());
}

int main() {
  std::string seen;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    std::fputs(r.text().c_str(), stdout);
    seen += r.acquiring.instance_name + " while holding " + r.held.at(0).instance_name;
  });
  netdev eth0;
  lockorder::name_fields(eth0.locks);  // once, after construction
  set_mtu(eth0, 9000);
  for (int i = 0; i < 10; ++i) transmit(eth0, i);
  read_stats_and_queue(eth0);
  std::printf("080: %ld packets sent; reported: %s\n", eth0.packets, seen.c_str());
  return eth0.packets == 10 && seen == "netdev_locks.field<1> while holding netdev_locks.field<2>"
             ? 0
             : 1;
}
