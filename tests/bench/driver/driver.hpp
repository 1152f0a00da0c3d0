// driver.hpp — a PCIe device driver with block and network functions, split the way a
// driver's sources are, for tests/bench/driver_cost.py (issue 12: the compile time of
// realistic code, not of a generated budget TU):
//
//   core.cpp  device registry, power, firmware mailbox, notifiers, workqueue, statistics
//   io.cpp    block I/O: scheduler, hardware queues, tags, DMA mappings, completions
//   net.cpp   network: neighbours, tx/rx rings, NAPI polling, link state, MTU changes
//   main.cpp  module init, traffic threads, teardown; exits 0 when every count adds up
//
// One program, built two ways. By default against lockorder: the hierarchy below is
// checked at compile time across the files through boundary types (context_at,
// context_before) in the signatures, and at run time with LOCKORDER_RUNTIME=1. With
// -DDRIVER_STD=1, against std::mutex, std RAII and plain parameters: what the same driver
// is without lockorder. The shim below is all that differs. By hand:
//
//   g++ -std=c++20 -Iinclude tests/bench/driver/*.cpp -pthread                  # lockorder
//   g++ -std=c++20 -DDRIVER_STD=1 tests/bench/driver/*.cpp -pthread             # std
#pragma once

#include <array>
#include <functional>
#include <vector>

#ifndef DRIVER_STD
#  define DRIVER_STD 0
#endif

// Each .cpp file says what it waits with (DRIVER_COMPLETIONS, DRIVER_CONDVARS) before
// including this header, so it pulls in those headers only, in either build.
#if DRIVER_STD
// Without lockorder: std locks and RAII, classes are bare tags, and a context parameter
// is an unused int.
#  include <mutex>
#  include <shared_mutex>
#  if defined(DRIVER_COMPLETIONS) || defined(DRIVER_CONDVARS)
#    include <condition_variable>
#  endif
#  define LOCKORDER_CLASS(name, ...) struct name
namespace drv {
template <class> using mutex = std::mutex;
template <class> using shared_mutex = std::shared_mutex;
template <class> using at = int;
template <class> using at_shared = int;
template <class> using before = int;
#  ifdef DRIVER_COMPLETIONS
/// The kernel's struct completion, as a driver without lockorder writes it.
template <class> class completion {
 public:
  void wait() {
    std::unique_lock l(m_);
    cv_.wait(l, [this] { return done_ > 0; });
    --done_;
  }
  void complete() {
    std::lock_guard l(m_);
    ++done_;
    cv_.notify_one();  // under m_: once the waiter is back, it may free the completion
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  unsigned done_ = 0;
};
#  endif
#  ifdef DRIVER_CONDVARS
template <class> using condition_variable = std::condition_variable;
#  endif
}  // namespace drv
#  define DRV_UNLOCKED 0
#  define DRV_CTX(g) 0
#  define DRV_LOCK(g, ctx, m) std::lock_guard g(m); (void)(ctx)  // no -Wunused-parameter
#  define DRV_LOCK_SHARED(g, ctx, m) std::shared_lock g(m); (void)(ctx)
#  define DRV_LOCK_ALL(g, ctx, ...) std::scoped_lock g(__VA_ARGS__); (void)(ctx)
#  define DRV_WAIT(ctx, c) ((void)(ctx), (c).wait())
#  define DRV_COMPLETE(ctx, c) ((void)(ctx), (c).complete())
#else
#  include <lockorder/context.hpp>
#  ifdef DRIVER_COMPLETIONS
#    include <lockorder/completion.hpp>
#  endif
#  ifdef DRIVER_CONDVARS
#    include <lockorder/condition_variable.hpp>
#  endif
namespace drv {
using lockorder::mutex;
using lockorder::shared_mutex;
template <class C> using at = lockorder::context_at<C>;
template <class C> using at_shared = lockorder::context_at<lockorder::shared<C>>;
template <class C> using before = lockorder::context_before<C>;
#  ifdef DRIVER_COMPLETIONS
using lockorder::completion;
#  endif
#  ifdef DRIVER_CONDVARS
using lockorder::condition_variable;
#  endif
}  // namespace drv
#  define DRV_UNLOCKED lockorder::unlocked()
#  define DRV_CTX(g) g
#  define DRV_LOCK(g, ctx, m) auto g = (ctx).lock(m)
#  define DRV_LOCK_SHARED(g, ctx, m) auto g = (ctx).lock_shared(m)
#  define DRV_LOCK_ALL(g, ctx, ...) auto g = (ctx).lock_all(__VA_ARGS__)
#  define DRV_WAIT(ctx, c) (ctx).wait(c)
#  define DRV_COMPLETE(ctx, c) (ctx).complete(c)
#endif

// The hierarchy, written once. Lower levels are taken first.
LOCKORDER_CLASS(registry_lock, 10);    // the list of devices
LOCKORDER_CLASS(rtnl_lock, 15);        // network configuration, before any device
LOCKORDER_CLASS(dev_lock, 20);         // one device: probe, remove, reset, reconfiguration
LOCKORDER_CLASS(pm_lock, 25);          // its power state
LOCKORDER_CLASS(config_lock, 30);      // shared: its configuration, read on every packet
LOCKORDER_CLASS(notifier_lock, 40);    // shared: the event notifier chain
LOCKORDER_CLASS(link_lock, 42, lockorder::after<notifier_lock, "link changes arrive as notifier events">);
LOCKORDER_CLASS(io_sched_lock, 50);    // picks a hardware queue
LOCKORDER_CLASS(io_done, 55);          // a request's completion: signalled under its queue
LOCKORDER_CLASS(io_queue_lock, 60);    // one hardware queue (four per device)
LOCKORDER_CLASS(tag_lock, 70);         // request tags
LOCKORDER_CLASS(dma_pool_lock, 80);    // DMA pages
LOCKORDER_CLASS(dma_map_lock, lockorder::after<dma_pool_lock, "mappings are made from pool pages">);
LOCKORDER_CLASS(bounce_lock, lockorder::after<dma_map_lock, "a bounce buffer backs one mapping">);
LOCKORDER_CLASS(neigh_lock, 100);      // shared: the neighbour table
LOCKORDER_CLASS(tx_ring_lock, 110);    // one tx ring (two per device)
LOCKORDER_CLASS(napi_lock);            // one poller per device
LOCKORDER_CLASS(rx_ring_lock, 120, lockorder::after<napi_lock, "NAPI polls the ring it owns">);
LOCKORDER_CLASS(filter_lock, 130);     // shared: the receive filter
LOCKORDER_CLASS(mbox_lock, 140);       // the firmware mailbox
LOCKORDER_CLASS(wq_lock, 150);         // workqueue items: work is queued from anywhere
LOCKORDER_CLASS(wq_ready);             // workqueue condition variables
LOCKORDER_CLASS(wq_idle);
LOCKORDER_CLASS(stats_lock, 200);      // counters, updated under anything
LOCKORDER_CLASS(log_lock, 210);        // the log ring

enum class stat { io_reads, io_writes, io_flushes, tx_packets, tx_dropped, rx_packets,
                  rx_dropped, rx_bytes, events, count };
enum class event { link_up, link_down, reset, mtu_changed };

struct io_request;  // io.cpp

/// One device, with the state each of its locks guards.
struct device {
  int id = 0;
  drv::mutex<dev_lock> lock;
  bool present = false;
  drv::mutex<pm_lock> pm;
  int power = 0;
  drv::shared_mutex<config_lock> config;
  int mtu = 1500;
  drv::mutex<link_lock> link;
  bool carrier = false;
  struct hw_queue {  // io.cpp: submitted requests, completed by the interrupt's work item
    drv::mutex<io_queue_lock> lock;
    std::vector<io_request*> pending;
  };
  std::array<hw_queue, 4> queues;
  struct tx_ring {
    drv::mutex<tx_ring_lock> lock;
    long sent = 0;
  };
  std::array<tx_ring, 2> tx;
  drv::mutex<napi_lock> napi;
  drv::mutex<rx_ring_lock> rx_lock;
  std::vector<int> rx;  // lengths of received frames, not yet polled
};

using device_fn = std::function<void(drv::at<dev_lock>, device&)>;
using event_cb = std::function<void(drv::at_shared<notifier_lock>, device&, event)>;
using rx_handler = std::function<void(drv::at<rx_ring_lock>, device&, int len)>;

// core.cpp
device* dev_probe(drv::before<registry_lock> ctx, int id);
void dev_remove(drv::at<dev_lock> ctx, device& d);
void for_each_device(drv::before<registry_lock> ctx, const device_fn& fn);  // each locked
void dev_set_power(drv::at<dev_lock> ctx, device& d, int state);
int fw_cmd(drv::before<mbox_lock> ctx, device& d, const char* cmd, int arg);
void register_notifier(drv::before<notifier_lock> ctx, event_cb cb);
void notify_event(drv::at<dev_lock> ctx, device& d, event e);
void queue_work(drv::before<wq_lock> ctx, std::function<void()> fn);
void wq_start(int workers);
void flush_workqueue();  // waits until every item queued has run
void wq_stop();
void stats_add(drv::before<stats_lock> ctx, stat s, long n);
long stats_get(drv::before<stats_lock> ctx, stat s);
void drv_log(drv::before<log_lock> ctx, const char* what, int dev);

// io.cpp
void io_init(drv::before<notifier_lock> ctx);
int io_rw(drv::before<io_sched_lock> ctx, device& d, int sector, bool write);  // 0, or -1: busy
void io_flush(drv::at<dev_lock> ctx, device& d);
bool io_idle(drv::before<tag_lock> ctx);  // no request, mapping or bounce buffer left

// net.cpp
void net_init(drv::before<rtnl_lock> ctx, rx_handler on_rx);
void net_neigh_add(drv::before<neigh_lock> ctx, int addr, int port);
bool net_xmit(drv::before<config_lock> ctx, device& d, int dst, int len);
void net_change_mtu(drv::before<rtnl_lock> ctx, device& d, int mtu);
