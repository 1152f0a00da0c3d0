// net.cpp — the network side: a neighbour lookup and a tx ring per frame, the device in
// loopback (each frame arrives on its rx ring), NAPI polling from the workqueue through
// the receive filter to the protocol's handler, link state, MTU changes (see driver.hpp).
#include "driver.hpp"

#include <unordered_map>

namespace {
drv::mutex<rtnl_lock> rtnl;
rx_handler deliver;  // set by net_init, before any traffic

drv::shared_mutex<neigh_lock> neigh_mutex;
std::unordered_map<int, int> neighbours;  // address -> tx ring

drv::shared_mutex<filter_lock> filter_mutex;
int filter_min_len = 60;  // runts are dropped

// NAPI: drains the rx ring, each frame through the filter to the protocol.
int rx_poll(drv::before<napi_lock> ctx, device& d) {
  DRV_LOCK(p, ctx, d.napi);
  for (int polled = 0;; ++polled) {
    DRV_LOCK(r, p, d.rx_lock);
    if (d.rx.empty()) return polled;
    const int len = d.rx.back();
    d.rx.pop_back();
    bool pass;
    {
      DRV_LOCK_SHARED(f, r, filter_mutex);
      pass = len >= filter_min_len;
    }
    if (pass)
      deliver(DRV_CTX(r), d, len);
    else
      stats_add(DRV_CTX(r), stat::rx_dropped, 1);
  }
}

// The first frame pending on the rx ring schedules a poll.
void loopback(drv::at<tx_ring_lock> ctx, device& d, int len) {
  DRV_LOCK(r, ctx, d.rx_lock);
  d.rx.push_back(len);
  if (d.rx.size() == 1) queue_work(DRV_CTX(r), [&d] { rx_poll(DRV_UNLOCKED, d); });
}

void on_event(drv::at_shared<notifier_lock> ctx, device& d, event e) {
  if (e != event::link_up && e != event::link_down) return;
  DRV_LOCK(l, ctx, d.link);
  d.carrier = e == event::link_up;
  drv_log(DRV_CTX(l), d.carrier ? "link up" : "link down", d.id);
}
}  // namespace

void net_init(drv::before<rtnl_lock> ctx, rx_handler on_rx) {
  DRV_LOCK(r, ctx, rtnl);
  deliver = std::move(on_rx);
  register_notifier(DRV_CTX(r), on_event);
}

void net_neigh_add(drv::before<neigh_lock> ctx, int addr, int port) {
  DRV_LOCK(n, ctx, neigh_mutex);
  neighbours[addr] = port;
}

bool net_xmit(drv::before<config_lock> ctx, device& d, int dst, int len) {
  DRV_LOCK_SHARED(c, ctx, d.config);
  if (len > d.mtu) {
    stats_add(DRV_CTX(c), stat::tx_dropped, 1);
    return false;
  }
  DRV_LOCK_SHARED(n, c, neigh_mutex);
  const auto it = neighbours.find(dst);
  if (it == neighbours.end()) return false;
  auto& ring = d.tx[it->second % d.tx.size()];
  DRV_LOCK(t, n, ring.lock);
  ++ring.sent;
  loopback(DRV_CTX(t), d, len);
  stats_add(DRV_CTX(t), stat::tx_packets, 1);
  return true;
}

void net_change_mtu(drv::before<rtnl_lock> ctx, device& d, int mtu) {
  DRV_LOCK(r, ctx, rtnl);
  DRV_LOCK(g, r, d.lock);
  {
    DRV_LOCK(c, g, d.config);
    DRV_LOCK_ALL(rings, c, d.tx[0].lock, d.tx[1].lock);  // no frame in flight at the old MTU
    d.mtu = mtu;
  }
  fw_cmd(DRV_CTX(g), d, "mtu", mtu);
  notify_event(DRV_CTX(g), d, event::mtu_changed);
}
