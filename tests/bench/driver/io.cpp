// io.cpp — block I/O: the scheduler puts a request on one of the device's hardware
// queues with a tag and a DMA mapping; the "interrupt" is a work item that completes
// what its queue holds; the submitter waits on the request's completion (see driver.hpp).
#define DRIVER_COMPLETIONS 1  // a request's completion
#include "driver.hpp"

/// A request, preallocated per tag as blk-mq does: its completion outlives every wait
/// on it, and every complete() of it.
struct io_request {
  bool busy = false;  // under tag_lock
  int sector = 0;
  bool write = false;
  bool bounced = false;
  drv::completion<io_done> done;
};

namespace {
drv::mutex<io_sched_lock> sched;
unsigned next_queue = 0;
long resets = 0;

drv::mutex<tag_lock> tags;
std::array<io_request, 64> requests;  // indexed by tag

drv::mutex<dma_pool_lock> dma_pool;
int pool_free = 256;
drv::mutex<dma_map_lock> dma_map;
long mappings = 0;
drv::mutex<bounce_lock> bounce;
long bounced = 0;

// Pool pages, then the mapping, then a bounce buffer for sectors the device cannot
// reach (every eighth, in this model).
void map_request(drv::at<dma_pool_lock> ctx, io_request& rq) {
  --pool_free;
  DRV_LOCK(m, ctx, dma_map);
  ++mappings;
  if (rq.sector % 8 == 0) {
    DRV_LOCK(b, m, bounce);
    ++bounced;
    rq.bounced = true;
  }
}

void unmap_request(drv::at<dma_pool_lock> ctx, io_request& rq) {
  ++pool_free;
  DRV_LOCK(m, ctx, dma_map);
  --mappings;
  if (rq.bounced) {
    DRV_LOCK(b, m, bounce);
    --bounced;
    rq.bounced = false;
  }
}

// A free request with its tag and mapping, or nullptr when every tag is in use.
io_request* start_request(drv::at<io_queue_lock> ctx, int sector, bool write) {
  DRV_LOCK(t, ctx, tags);
  for (auto& rq : requests) {
    if (rq.busy) continue;
    rq.busy = true;
    rq.sector = sector;
    rq.write = write;
    DRV_LOCK(p, t, dma_pool);
    map_request(DRV_CTX(p), rq);
    return &rq;
  }
  return nullptr;
}

void end_request(drv::before<tag_lock> ctx, io_request& rq) {
  DRV_LOCK(t, ctx, tags);
  {
    DRV_LOCK(p, t, dma_pool);
    unmap_request(DRV_CTX(p), rq);
  }
  rq.busy = false;
}

// The interrupt's bottom half: the device has finished everything queued on q.
void io_irq(device::hw_queue& q) {
  DRV_LOCK(h, DRV_UNLOCKED, q.lock);
  for (io_request* rq : q.pending) DRV_COMPLETE(h, rq->done);
  q.pending.clear();
}

// A device reset restarts queue selection, with every hardware queue quiesced.
void on_event(drv::at_shared<notifier_lock> ctx, device& d, event e) {
  if (e != event::reset) return;
  DRV_LOCK(s, ctx, sched);
  DRV_LOCK_ALL(all, s, d.queues[0].lock, d.queues[1].lock, d.queues[2].lock, d.queues[3].lock);
  next_queue = 0;
  ++resets;
}
}  // namespace

void io_init(drv::before<notifier_lock> ctx) { register_notifier(ctx, on_event); }

int io_rw(drv::before<io_sched_lock> ctx, device& d, int sector, bool write) {
  io_request* rq;
  {
    DRV_LOCK(s, ctx, sched);
    auto& q = d.queues[next_queue++ % d.queues.size()];
    DRV_LOCK(h, s, q.lock);
    rq = start_request(DRV_CTX(h), sector, write);
    if (!rq) return -1;
    q.pending.push_back(rq);
    queue_work(DRV_CTX(h), [&q] { io_irq(q); });
  }
  DRV_WAIT(ctx, rq->done);
  end_request(ctx, *rq);
  if (sector >= 0) stats_add(ctx, write ? stat::io_writes : stat::io_reads, 1);
  return 0;
}

void io_flush(drv::at<dev_lock> ctx, device& d) {
  while (io_rw(ctx, d, -1, true) != 0) {}  // a cache flush, retried while tags run out
  stats_add(ctx, stat::io_flushes, 1);
}

bool io_idle(drv::before<tag_lock> ctx) {
  DRV_LOCK(t, ctx, tags);
  for (auto& rq : requests)
    if (rq.busy) return false;
  DRV_LOCK(p, t, dma_pool);
  DRV_LOCK(m, p, dma_map);
  DRV_LOCK(b, m, bounce);
  return pool_free == 256 && mappings == 0 && bounced == 0;
}
