// 070 — other waits: join, condition variables, futures, latches.
//
// Each is its std:: type with a class, and is checked like a completion: waiting while
// holding a lock that the other side needs before it can signal is a deadlock.
// Here each pattern runs with the unlucky order made harmless (the other side has
// already finished), and each is reported. docs/runtime.md#waits lists what is covered.
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

LOCKORDER_CLASS(config_lock);
LOCKORDER_CLASS(queue_lock);
LOCKORDER_CLASS(loader_exit);
LOCKORDER_CLASS(queue_ready);
LOCKORDER_CLASS(reply_ready);
LOCKORDER_CLASS(start_line);

lockorder::mutex<config_lock> config;
lockorder::mutex<queue_lock> queue;

int main() {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::printf("%s\n", r.message.c_str());
  });

  // join: the loader takes config_lock; joining it while holding config_lock deadlocks.
  std::atomic<bool> loaded{false};
  lockorder::thread<loader_exit> loader([&] {
    { std::lock_guard g(config); }
    loaded = true;
  });
  while (!loaded) std::this_thread::yield();
  {
    std::lock_guard g(config);
    loader.join();
  }

  // condition variable: the producer notifies under config_lock; the consumer waits
  // (on queue_lock, which the wait releases) while holding config_lock.
  lockorder::condition_variable<queue_ready> ready_cv;
  bool ready = false;
  std::thread([&] {
    std::lock_guard c(config);
    std::lock_guard q(queue);
    ready = true;
    ready_cv.notify_all();
  }).join();
  {
    std::lock_guard c(config);
    std::unique_lock q(queue);
    ready_cv.wait(q, [&] { return ready; });
  }

  // future: the value is set under queue_lock; get() under queue_lock.
  lockorder::promise<reply_ready, int> reply;
  auto answer = reply.get_future();
  std::thread([&] {
    std::lock_guard q(queue);
    reply.set_value(42);
  }).join();
  {
    std::lock_guard q(queue);
    (void)answer.get();
  }

  // latch: count_down() under config_lock, wait() under config_lock.
  lockorder::latch<start_line> start(1);
  std::thread([&] {
    std::lock_guard c(config);
    start.count_down();
  }).join();
  {
    std::lock_guard c(config);
    start.wait();
  }

  std::printf("070: %d report(s)\n", reports);
  return reports == 4 ? 0 : 1;
}
