// Completions and other waits at run time: the deadlocks they must report, and the
// safe patterns that must stay silent (cross-release's false positives).
#include "report_collector.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using lockorder::report_kind;

LOCKORDER_CLASS(cp_a);
LOCKORDER_CLASS(cp_b);
LOCKORDER_CLASS(cp_done);

TEST_CASE("waiting while holding a lock the signaller held: a cycle through the completion") {
  report_collector c;
  lockorder::mutex<cp_a> a;
  lockorder::completion<cp_done> done;
  std::thread([&] {
    std::lock_guard g(a);
    done.complete();  // cp_done -> cp_a
  }).join();
  {
    std::lock_guard g(a);
    done.wait();  // cp_a -> cp_done
  }
  REQUIRE(c.count(report_kind::circular_dependency) == 1);
  const auto r = c.first(report_kind::circular_dependency);
  REQUIRE(r.chain.size() == 2);
  CHECK(r.acquiring.op == lockorder::lock_op::wait);
  CHECK(r.acquiring.class_name == "(completion)cp_done");
  CHECK(r.chain[0].how == lockorder::lock_op::complete);
  CHECK(r.text().find("was signalled at") != std::string::npos);
}

LOCKORDER_CLASS(cp_sec_lock);
LOCKORDER_CLASS(cp_sec_done);

TEST_CASE("a lock taken inside a signalling section is a dependency of the completion") {
  report_collector c;
  lockorder::mutex<cp_sec_lock> a;
  lockorder::completion<cp_sec_done> done;
  std::thread([&] {
    {
      auto s = done.signalling();
      std::lock_guard g(a);
    }
    done.complete();  // nothing held here: the section carried the dependency
  }).join();
  {
    std::lock_guard g(a);
    done.wait();
  }
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(cp_silent_a);
LOCKORDER_CLASS(cp_silent_b);
LOCKORDER_CLASS(cp_silent_done);

TEST_CASE("silent: the signaller never takes the waiter's locks") {
  report_collector c;
  lockorder::mutex<cp_silent_a> a;
  lockorder::mutex<cp_silent_b> b;
  lockorder::completion<cp_silent_done> done;
  std::thread t([&] {
    auto s = done.signalling();
    std::lock_guard g(b);
    done.complete();
  });
  {
    std::lock_guard g(a);
    done.wait();
  }
  t.join();
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_timed_a);
LOCKORDER_CLASS(cp_timed_done);

TEST_CASE("silent: a timed wait recovers, so it records nothing") {
  report_collector c;
  lockorder::mutex<cp_timed_a> a;
  lockorder::completion<cp_timed_done> done;
  {
    std::lock_guard g(a);
    CHECK_FALSE(done.wait_for(std::chrono::milliseconds(1)));
    CHECK_FALSE(done.wait_until(std::chrono::steady_clock::now()));
  }
  std::thread([&] {
    std::lock_guard g(a);
    done.complete();
  }).join();
  {
    std::lock_guard g(a);
    CHECK(done.wait_for(std::chrono::seconds(1)));
  }
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_reuse_a);
LOCKORDER_CLASS(cp_reuse_b);
LOCKORDER_CLASS(cp_reuse_done);

TEST_CASE("silent: a completion reused after reinit() in a consistent pattern") {
  report_collector c;
  lockorder::mutex<cp_reuse_a> a;
  lockorder::mutex<cp_reuse_b> b;
  lockorder::completion<cp_reuse_done> done;
  for (int round = 0; round < 5; ++round) {
    std::thread t([&] {
      std::lock_guard g(b);
      done.complete();
    });
    {
      std::lock_guard g(a);
      done.wait();
    }
    t.join();
    CHECK_FALSE(done.done());
    done.complete_all();
    CHECK(done.done());
    done.wait();
    done.wait();  // complete_all lets every waiter through
    done.reinit();
    CHECK_FALSE(done.done());
  }
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_inst_lock);
LOCKORDER_CLASS(cp_inst_parked);

TEST_CASE("silent with a class per instance; reported when the instances share one") {
  lockorder::mutex<cp_inst_lock> a;
  auto scenario = [&](lockorder::completion<cp_inst_parked>& busy,
                      lockorder::completion<cp_inst_parked>& idle) {
    std::thread([&] {  // one kthread takes the lock before parking
      {
        auto s = busy.signalling();
        std::lock_guard g(a);
      }
      busy.complete();
    }).join();
    idle.complete();  // another kthread parks without taking it
    std::lock_guard g(a);
    idle.wait();  // parking the idle one under the lock is safe
  };
  {
    report_collector c;
    lockorder::completion<cp_inst_parked> busy(lockorder::own_class), idle(lockorder::own_class);
    scenario(busy, idle);
    CHECK(c.size() == 0);
  }
  {
    report_collector c;
    lockorder::completion<cp_inst_parked> busy, idle;  // one class: cross-release's false positive
    scenario(busy, idle);
    CHECK(c.count(report_kind::circular_dependency) == 1);
  }
}

LOCKORDER_CLASS(cp_self);

TEST_CASE("waiting for a completion inside its own signalling section") {
  report_collector c;
  lockorder::completion<cp_self> done;
  done.complete();
  {
    auto s = done.signalling();
    done.wait();
  }
  CHECK(c.count(report_kind::recursive_lock) == 1);
}

LOCKORDER_CLASS(cp_rank_done, 50);
LOCKORDER_CLASS(cp_rank_low, 40);
LOCKORDER_CLASS(cp_rank_high, 60);

TEST_CASE("levels: signalling while holding a lower-ranked lock, waiting while holding a higher") {
  report_collector c;
  lockorder::mutex<cp_rank_low> low;
  lockorder::mutex<cp_rank_high> high;
  lockorder::completion<cp_rank_done> done;
  {
    std::lock_guard g(high);
    done.complete();  // fine: 60 above 50
  }
  CHECK(c.size() == 0);
  {
    std::lock_guard g(low);
    done.complete();  // a waiter may hold low (40 < 50)
  }
  CHECK(c.count(report_kind::order_violation) == 1);
  {
    std::lock_guard g(high);
    done.wait();  // the signaller may need high
  }
  CHECK(c.count(report_kind::order_violation) == 2);
}

LOCKORDER_CLASS(cp_cv_lock);
LOCKORDER_CLASS(cp_cv);

TEST_CASE("condition variable: the mutex the wait releases is not a dependency") {
  report_collector c;
  lockorder::mutex<cp_cv_lock> m;
  lockorder::condition_variable<cp_cv> cv;
  bool ready = false;
  std::thread t([&] {
    std::lock_guard g(m);
    ready = true;
    cv.notify_one();  // cp_cv -> cp_cv_lock
  });
  {
    std::unique_lock l(m);
    cv.wait(l, [&] { return ready; });  // waits with m, which it releases: no cycle
  }
  t.join();
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_cva_lock, 10);
LOCKORDER_CLASS(cp_cva_outer, 5);
LOCKORDER_CLASS(cp_cva);

TEST_CASE("condition_variable_any: a shared_mutex's lock is released by the wait; the rest is held") {
  report_collector c;
  lockorder::mutex<cp_cva_outer> outer;
  lockorder::shared_mutex<cp_cva_lock> rw;
  lockorder::condition_variable_any<cp_cva> cv;
  bool ready = false;
  std::thread t([&] {
    std::lock_guard o(outer);  // the notifier holds outer: cp_cva -> cp_cva_outer
    std::lock_guard g(rw);
    ready = true;
    cv.notify_one();
  });
  t.join();
  {
    std::lock_guard o(outer);  // waiting while holding outer: cp_cva_outer -> cp_cva
    std::unique_lock l(rw);
    cv.wait(l, [&] { return ready; });
  }
  REQUIRE(c.size() == 1);
  CHECK(c.count(lockorder::report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(cp_wq_dev, 10);
LOCKORDER_CLASS(cp_wq_ready);
LOCKORDER_CLASS(cp_wq_done, 20);
LOCKORDER_CLASS(cp_wq_queue);
LOCKORDER_CLASS(cp_wq_worker, 5);  // ranked below what its work signals

TEST_CASE("a signal inside a worker thread's body depends on nothing of the thread's exit") {
  // A work queue: under dev, queue work (notify) and wait for it to be done; the worker,
  // a lockorder::thread, waits for work and signals each item done. The thread's body is
  // its exit's signalling section; a signal made there must not become done -> exit
  // (it made "exit -> ready -> dev -> done -> exit" a cycle, and, the thread's class
  // being ranked below done, every signal an order violation).
  report_collector c;
  lockorder::mutex<cp_wq_dev> dev;
  lockorder::mutex<cp_wq_queue> q;
  lockorder::condition_variable_any<cp_wq_ready> ready;
  lockorder::completion<cp_wq_done> done;
  int queued = 0;
  bool stop = false;
  lockorder::thread<cp_wq_worker> worker([&] {
    std::unique_lock l(q);
    for (;;) {
      ready.wait(l, [&] { return queued > 0 || stop; });  // exit -> ready
      if (queued == 0) return;
      --queued;
      l.unlock();
      done.complete();  // inside the exit's section: no done -> exit
      l.lock();
    }
  });
  for (int i = 0; i < 3; ++i) {
    std::lock_guard d(dev);
    {
      std::lock_guard g(q);
      ++queued;
    }
    ready.notify_one();  // under dev: ready -> dev
    done.wait();         // under dev: dev -> done
  }
  {
    std::lock_guard g(q);
    stop = true;
  }
  ready.notify_one();
  worker.join();
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_sw_state);
LOCKORDER_CLASS(cp_sw_queue);
LOCKORDER_CLASS(cp_sw_wake);
LOCKORDER_CLASS(cp_sw_exit);

TEST_CASE("notify then join under one lock: the report says what would have to happen") {
  // The run-time validator cannot know that the wake-up the worker needs was already
  // given: it reports exit -> wake -> state -> exit, and says in words how that would
  // deadlock and how to break it (docs/runtime.md#signal-then-wait).
  report_collector c;
  lockorder::mutex<cp_sw_state> state;
  lockorder::mutex<cp_sw_queue> q;
  lockorder::condition_variable<cp_sw_wake> wake;
  bool stop = false;
  lockorder::thread<cp_sw_exit> worker([&] {
    std::unique_lock l(q);
    wake.wait(l, [&] { return stop; });  // exit -> wake
  });
  {
    std::lock_guard s(state);
    {
      std::lock_guard g(q);
      stop = true;
    }
    wake.notify_all();  // under state: wake -> state
    worker.join();      // under state: state -> exit, closes the cycle
  }
  REQUIRE(c.count(lockorder::report_kind::circular_dependency) == 1);
  const std::string text = c.first(lockorder::report_kind::circular_dependency).text();
  CHECK(text.find("For this to deadlock, all of these would have to happen at once:") !=
        std::string::npos);
  CHECK(text.find("(completion)cp_sw_wake is signalled by a thread that holds cp_sw_state") !=
        std::string::npos);
  CHECK(text.find("signal after releasing the lock held while signalling") != std::string::npos);
  CHECK(text.find("docs/runtime.md#signal-then-wait") != std::string::npos);
}

LOCKORDER_CLASS(cp_on_stack);

TEST_CASE("a completion on the waiter's stack may die as soon as the wait returns") {
  // The kernel's pattern: DECLARE_COMPLETION_ONSTACK, hand it to a worker, wait, return.
  // complete() must not touch the completion after the waiter can return (ThreadSanitizer
  // saw pthread_cond_signal race with the destructor when it notified after unlocking).
  report_collector c;
  for (int i = 0; i < 200; ++i) {
    std::thread t;
    {
      lockorder::completion<cp_on_stack> done;
      t = std::thread([&done] { done.complete(); });
      done.wait();
    }  // destroyed here, while the worker may still be returning from complete()
    t.join();
  }
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_stdm_outer);
LOCKORDER_CLASS(cp_stdm_cv);

TEST_CASE("condition_variable with a std::mutex: the lockorder lock under it stays a dependency") {
  // The wait releases the std::mutex, which was never on the held stack: the top of the
  // stack (outer) is held across the wait and must be recorded, outer -> cv.
  report_collector c;
  lockorder::mutex<cp_stdm_outer> outer;
  std::mutex m;
  lockorder::condition_variable<cp_stdm_cv> cv;
  bool ready = false;
  std::thread t([&] {
    std::lock_guard o(outer);  // notifies holding outer: cv -> outer
    std::lock_guard g(m);
    ready = true;
    cv.notify_one();
  });
  t.join();
  {
    std::lock_guard o(outer);
    std::unique_lock l(m);
    cv.wait(l, [&] { return ready; });  // waits holding outer: outer -> cv, a cycle
  }
  CHECK(c.count(lockorder::report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(cp_join_lock);
LOCKORDER_CLASS(cp_join_exit);

TEST_CASE("thread join: joining while holding a lock the thread takes") {
  report_collector c;
  lockorder::mutex<cp_join_lock> m;
  std::atomic<bool> ran{false};
  lockorder::thread<cp_join_exit> t([&] {
    { std::lock_guard g(m); }
    ran = true;
  });
  while (!ran) std::this_thread::yield();
  {
    std::lock_guard g(m);
    t.join();
  }
  CHECK(c.count(report_kind::circular_dependency) == 1);
}

LOCKORDER_CLASS(cp_detached_exit);

// The thread object goes before its body ends: the body's exit completion must still be
// there when the body signals it (under ASan, a use after free before).
TEST_CASE("thread detach: the object may be gone before the body ends") {
  report_collector c;
  std::atomic<bool> go{false}, done{false};
  {
    lockorder::thread<cp_detached_exit> t([&] {
      while (!go) std::this_thread::yield();
      done = true;
    });
    t.detach();
  }
  go = true;
  while (!done) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the body's exit
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(cp_sem_lock);
LOCKORDER_CLASS(cp_sem);
LOCKORDER_CLASS(cp_barrier);

TEST_CASE("semaphore and barrier") {
  report_collector c;
  lockorder::mutex<cp_sem_lock> m;
  lockorder::counting_semaphore<cp_sem> sem(0);
  std::thread([&] {
    std::lock_guard g(m);
    sem.release();
  }).join();
  {
    std::lock_guard g(m);
    sem.acquire();
  }
  CHECK(c.count(report_kind::circular_dependency) == 1);
  lockorder::barrier<cp_barrier> b(1);
  b.arrive_and_wait();  // nothing held: nothing to say
  CHECK(c.size() == 1);
}
