// core.cpp — the device registry, power, the firmware mailbox, event notifiers, the
// workqueue every subsystem defers work to, statistics and the log (see driver.hpp).
#define DRIVER_CONDVARS 1  // the workqueue's condition variables
#include "driver.hpp"

#include <cstdio>
#include <deque>
#include <thread>

namespace {
drv::mutex<registry_lock> registry;
std::array<device, 2> devices;
int ndevices = 0;

drv::mutex<mbox_lock> mbox;
int mbox_seq = 0;

drv::shared_mutex<notifier_lock> notifiers_lock;
std::vector<event_cb> notifiers;

drv::mutex<stats_lock> stats_mutex;
std::array<long, static_cast<int>(stat::count)> stats{};

drv::mutex<log_lock> log_mutex;
std::array<char[48], 32> log_ring;
unsigned log_next = 0;

struct workqueue {
  drv::mutex<wq_lock> lock;
  drv::condition_variable<wq_ready> ready;  // an item was queued, or stop
  drv::condition_variable<wq_idle> idle;    // every item queued so far has run
  std::deque<std::function<void()>> items;
  long queued = 0, done = 0;
  bool stopping = false;
  // std::thread, not lockorder::thread: a worker's whole loop would be in the signalling
  // section of its exit, and a flush under dev_lock then closes a cycle through the
  // worker's wait for wq_ready, which the validator reports (a false positive).
  std::vector<std::thread> workers;
} wq;

void worker() {
  for (;;) {
    std::function<void()> item;
    {
      // A condition variable waits with a std::unique_lock: a context's guard is none.
      std::unique_lock lk(wq.lock);
      wq.ready.wait(lk, [] { return wq.stopping || !wq.items.empty(); });
      if (wq.items.empty()) return;  // stopping, and drained
      item = std::move(wq.items.front());
      wq.items.pop_front();
    }
    item();  // runs with nothing held: items start from the root context
    DRV_LOCK(g, DRV_UNLOCKED, wq.lock);
    if (++wq.done == wq.queued) wq.idle.notify_all();
  }
}
}  // namespace

device* dev_probe(drv::before<registry_lock> ctx, int id) {
  DRV_LOCK(r, ctx, registry);
  if (ndevices == static_cast<int>(devices.size())) return nullptr;
  device& d = devices[ndevices++];
  DRV_LOCK(g, r, d.lock);
  d.id = id;
  d.present = true;
  dev_set_power(DRV_CTX(g), d, 1);
  drv_log(DRV_CTX(g), "probed", id);
  return &d;
}

void dev_remove(drv::at<dev_lock> ctx, device& d) {
  dev_set_power(ctx, d, 0);
  d.present = false;
  drv_log(ctx, "removed", d.id);
}

void for_each_device(drv::before<registry_lock> ctx, const device_fn& fn) {
  DRV_LOCK(r, ctx, registry);
  for (int i = 0; i < ndevices; ++i) {
    DRV_LOCK(g, r, devices[i].lock);
    if (devices[i].present) fn(DRV_CTX(g), devices[i]);
  }
}

void dev_set_power(drv::at<dev_lock> ctx, device& d, int state) {
  DRV_LOCK(p, ctx, d.pm);
  if (d.power == state) return;
  fw_cmd(DRV_CTX(p), d, "power", state);
  d.power = state;
}

int fw_cmd(drv::before<mbox_lock> ctx, device& d, const char* cmd, int arg) {
  DRV_LOCK(m, ctx, mbox);
  ++mbox_seq;  // the firmware answers at once in this model
  drv_log(DRV_CTX(m), cmd, d.id);
  return arg;
}

void register_notifier(drv::before<notifier_lock> ctx, event_cb cb) {
  DRV_LOCK(n, ctx, notifiers_lock);
  notifiers.push_back(std::move(cb));
}

void notify_event(drv::at<dev_lock> ctx, device& d, event e) {
  DRV_LOCK_SHARED(n, ctx, notifiers_lock);
  for (auto& cb : notifiers) cb(DRV_CTX(n), d, e);
  stats_add(DRV_CTX(n), stat::events, 1);
}

void queue_work(drv::before<wq_lock> ctx, std::function<void()> fn) {
  DRV_LOCK(g, ctx, wq.lock);
  wq.items.push_back(std::move(fn));
  ++wq.queued;
  wq.ready.notify_one();
}

void wq_start(int workers) {
  for (int i = 0; i < workers; ++i) wq.workers.emplace_back(worker);
}

void flush_workqueue() {
  std::unique_lock lk(wq.lock);
  wq.idle.wait(lk, [] { return wq.done == wq.queued; });
}

void wq_stop() {
  {
    DRV_LOCK(g, DRV_UNLOCKED, wq.lock);
    wq.stopping = true;
    wq.ready.notify_all();
  }
  for (auto& t : wq.workers) t.join();
  wq.workers.clear();
}

void stats_add(drv::before<stats_lock> ctx, stat s, long n) {
  DRV_LOCK(g, ctx, stats_mutex);
  stats[static_cast<int>(s)] += n;
}

long stats_get(drv::before<stats_lock> ctx, stat s) {
  DRV_LOCK(g, ctx, stats_mutex);
  return stats[static_cast<int>(s)];
}

void drv_log(drv::before<log_lock> ctx, const char* what, int dev) {
  DRV_LOCK(g, ctx, log_mutex);
  std::snprintf(log_ring[log_next++ % log_ring.size()], sizeof log_ring[0], "dev%d: %s", dev,
                what);
}
