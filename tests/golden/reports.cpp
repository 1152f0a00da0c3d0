// Prints one report of each kind, in a fixed order, for tests/golden/reports.txt.
// Addresses, offsets, line numbers and paths are normalised by cmake/golden.cmake.
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <pthread.h>
#include <thread>

LOCKORDER_CLASS(gold_dev);
LOCKORDER_CLASS(gold_bus);
LOCKORDER_CLASS(gold_irq);
LOCKORDER_CLASS(gold_low, 10);
LOCKORDER_CLASS(gold_high, 20);
LOCKORDER_CLASS(gold_self);
LOCKORDER_CLASS(gold_outer, 30);
LOCKORDER_CLASS(gold_inner, 40);
LOCKORDER_CLASS(gold_leaf, 50);

class spin {
 public:
  void lock() { while (f_.test_and_set()) {} }
  bool try_lock() { return !f_.test_and_set(); }
  void unlock() { f_.clear(); }

 private:
  std::atomic_flag f_ = ATOMIC_FLAG_INIT;
};

lockorder::mutex<gold_dev> dev;
lockorder::mutex<gold_bus> bus;
lockorder::mutex<gold_irq> irq;
lockorder::mutex<gold_low> low;
lockorder::mutex<gold_high> high;
lockorder::mutex<gold_self, std::recursive_mutex> self;
lockorder::mutex<gold_self, spin> unheld;

void probe() {  // dev -> bus
  dev.lock();
  bus.lock();
  bus.unlock();
  dev.unlock();
}
void scan() {  // bus -> irq
  bus.lock();
  irq.lock();
  irq.unlock();
  bus.unlock();
}
void interrupt() {  // irq -> dev: closes dev -> bus -> irq -> dev
  irq.lock();
  dev.lock();
  dev.unlock();
  irq.unlock();
}
void inverted_levels() {  // through std RAII: sites come from the stack
  std::lock_guard h(high);
  std::lock_guard l(low);
}
void twice() {
  self.lock();
  self.lock();
  self.unlock();
  self.unlock();
}

void stale_context() {
  static lockorder::mutex<gold_outer> outer;
  static lockorder::mutex<gold_inner> inner;
  static lockorder::mutex<gold_leaf> leaf;
  auto o = lockorder::unlocked().lock(outer);
  auto i = o.lock(inner);
  auto l = o.lock(leaf);  // `o` is stale: `i` is the innermost context
}
// Destroyed at exit while still marked held: that report comes after main, so it goes to
// stderr, not to the handler (docs/runtime.md#after-main), and is not in the golden file.
lockorder::mutex<gold_leaf, spin> kept;
void destroyed_and_exit() {
  auto* m = new lockorder::mutex<gold_self, spin>;
  m->lock();
  delete m;
  kept.lock();  // still held when the thread ends
}

int main() {
  pthread_setname_np(pthread_self(), "golden");  // threads inherit it: stable labels
  lockorder::set_report_handler([](const lockorder::report& r) {
    std::printf("[%s]\n%s\n", std::string(lockorder::to_string(r.kind)).c_str(), r.text().c_str());
  });
  std::thread(probe).join();
  std::thread(scan).join();
  interrupt();
  inverted_levels();
  twice();
  unheld.unlock();
  stale_context();
  std::thread(destroyed_and_exit).join();
  kept.native().unlock();
  return 0;
}
