// 060 — completions: waiting for another thread is ordered like taking a lock.
//
// A worker signals `flushed` after writing back, which needs the cache lock. A caller
// that waits for `flushed` while holding the cache lock deadlocks: the worker can never
// take the lock to finish. lockorder records "cache_lock -> flushed" at the wait and
// "flushed -> cache_lock" in the worker's signalling section, and reports the cycle
// even on a run where the timing happened to be lucky. A timed wait records nothing
// (it recovers by itself), and a completion can be reused after reinit().
//
// At compile time, ctx.wait(c) needs every held level below c's: that is case (a).
// expect-first-error: waiting_on<flushed, 10>.*while_holding<cache_lock, 20>
#include <lockorder/lockorder.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

LOCKORDER_CLASS(flushed, 10);     // the worker takes the cache lock before signalling
LOCKORDER_CLASS(cache_lock, 20);

lockorder::mutex<cache_lock> cache;
lockorder::completion<flushed> flush_done;

void writeback_worker() {
  {
    auto section = flush_done.signalling();  // everything up to complete() must finish
    std::lock_guard g(cache);                // flushed -> cache_lock
  }
  flush_done.complete();
}

void sync_caller() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock(cache);
  g.wait(flush_done);  // (a) waiting with the cache lock held
#else
  auto ctx = lockorder::unlocked();
  ctx.wait(flush_done);  // wait first...
  auto g = ctx.lock(cache);  // ...then take the lock
#endif
}

void unchecked_caller() {  // the same bug through std RAII: found at run time
  std::lock_guard g(cache);
  flush_done.wait();
}

int main() {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stdout);
  });
  std::thread(writeback_worker).join();
  sync_caller();  // completed already: returns at once
  flush_done.reinit();
  std::thread(writeback_worker).join();
  unchecked_caller();
  flush_done.reinit();
  const bool timed_out = !flush_done.wait_for(std::chrono::milliseconds(1));
  std::printf("060: %d report(s); timed wait timed out: %s\n", reports, timed_out ? "yes" : "no");
  return reports == 1 && timed_out ? 0 : 1;
}
