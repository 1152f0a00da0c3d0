// main.cpp — module init, traffic, teardown: two devices, two block and two network
// threads while the MTU changes and the devices reset. Exits 0 when every count adds
// up (run with LOCKORDER_OPTIONS=mode=abort, a run-time report fails it too).
#include "driver.hpp"

#include <atomic>
#include <cstdio>
#include <thread>

namespace {
constexpr int rounds = 200;
std::atomic<long> delivered{0};

// The protocol layer above the driver: called for each frame with the rx ring held.
void protocol_rx(drv::at<rx_ring_lock> ctx, device&, int len) {
  ++delivered;
  stats_add(ctx, stat::rx_packets, 1);
  stats_add(ctx, stat::rx_bytes, len);
}

void notify_all(event e) {
  for_each_device(DRV_UNLOCKED, [e](drv::at<dev_lock> ctx, device& d) { notify_event(ctx, d, e); });
}
}  // namespace

int main() {
  std::array<device*, 2> devs{};
  for (int id = 0; id < 2; ++id) devs[id] = dev_probe(DRV_UNLOCKED, id);
  io_init(DRV_UNLOCKED);
  net_init(DRV_UNLOCKED, protocol_rx);
  for (int addr = 0; addr < 16; ++addr) net_neigh_add(DRV_UNLOCKED, addr, addr);
  wq_start(2);
  notify_all(event::link_up);

  std::atomic<long> ios{0}, sent{0};
  std::vector<std::thread> traffic;
  for (int t = 0; t < 4; ++t)
    traffic.emplace_back([&, t] {
      device& d = *devs[t % 2];
      for (int i = 0; i < rounds; ++i) {
        if (t < 2) {
          if (io_rw(DRV_UNLOCKED, d, i, i % 3 == 0) == 0) ++ios;
        } else if (net_xmit(DRV_UNLOCKED, d, i % 16, 40 + i * 37 % 1500)) {
          ++sent;
        }
      }
    });
  net_change_mtu(DRV_UNLOCKED, *devs[0], 1000);  // meanwhile
  notify_all(event::reset);
  for (auto& t : traffic) t.join();
  flush_workqueue();  // every poll and every interrupt has run

  for_each_device(DRV_UNLOCKED, [](drv::at<dev_lock> ctx, device& d) {
    io_flush(ctx, d);  // the write cache, before the device goes
    notify_event(ctx, d, event::link_down);
    dev_remove(ctx, d);
  });
  wq_stop();

  auto get = [](stat s) { return stats_get(DRV_UNLOCKED, s); };
  const bool ok = get(stat::io_reads) + get(stat::io_writes) == ios &&
                  get(stat::io_flushes) == 2 && get(stat::tx_packets) == sent &&
                  get(stat::rx_packets) + get(stat::rx_dropped) == sent &&
                  get(stat::rx_packets) == delivered && get(stat::events) == 7 &&
                  io_idle(DRV_UNLOCKED);
  std::printf("driver: %ld I/Os, %ld frames sent, %ld delivered, %ld dropped: %s\n", ios.load(),
              sent.load(), delivered.load(), get(stat::rx_dropped) + get(stat::tx_dropped),
              ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}
