// Lock+unlock loops for callgrind instruction counts. Argument: "std" / "lockorder" (one
// lock, 100,000 iterations), "std4" / "lockorder4" (four nested locks), "std_cv" /
// "lockorder_cv" (a condition variable made, waited on with a timeout that has passed,
// notified: std::condition_variable over std::mutex against lockorder's over its mutex).
// Built with LOCKORDER_RUNTIME=0 by the test bench.rt0_callgrind_equal (the counts of
// each std / lockorder pair must match); built by hand with LOCKORDER_RUNTIME=1 for the
// run-time counts in docs/performance.md (the command is there).
#include <lockorder/lockorder.hpp>

#include "nest.hpp"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>

LOCKORDER_CLASS(rt0_bench, 1);
LOCKORDER_CLASS(rt0_bench_b, 2);
LOCKORDER_CLASS(rt0_bench_c, 3);
LOCKORDER_CLASS(rt0_bench_d, 4);

template <class M>
[[gnu::noinline]] void loop(M& m, int n) {
  for (int i = 0; i < n; ++i) {
    m.lock();
    m.unlock();
    asm volatile("" ::: "memory");
  }
}

template <class A, class B, class C, class D>
[[gnu::noinline]] void loop4(A& a, B& b, C& c, D& d, int n) {
  for (int i = 0; i < n; ++i) {
    lock_unlock_nested4(a, b, c, d);
    asm volatile("" ::: "memory");
  }
}

template <class CV, class M>
[[gnu::noinline]] void loop_cv(M& m, int n) {
  for (int i = 0; i < n; ++i) {
    CV cv;
    std::unique_lock l(m);
    cv.wait_for(l, std::chrono::nanoseconds(0), [] { return false; });  // releases, re-takes
    cv.notify_one();
    asm volatile("" ::: "memory");
  }
}

LOCKORDER_CLASS(rt0_bench_cv);

int main(int argc, char** argv) {
  const int n = 100000;
  const char* what = argc > 1 ? argv[1] : "std";
  if (std::strcmp(what, "lockorder") == 0) {
    static lockorder::mutex<rt0_bench> m;
    loop(m, n);
  } else if (std::strcmp(what, "lockorder4") == 0) {
    static lockorder::mutex<rt0_bench> a;
    static lockorder::mutex<rt0_bench_b> b;
    static lockorder::mutex<rt0_bench_c> c;
    static lockorder::mutex<rt0_bench_d> d;
    loop4(a, b, c, d, n);
  } else if (std::strcmp(what, "lockorder_cv") == 0) {
    static lockorder::mutex<rt0_bench> m;
    loop_cv<lockorder::condition_variable<rt0_bench_cv>>(m, n / 10);
  } else if (std::strcmp(what, "std_cv") == 0) {
    static std::mutex m;
    loop_cv<std::condition_variable>(m, n / 10);
  } else if (std::strcmp(what, "std4") == 0) {
    static std::mutex a, b, c, d;
    loop4(a, b, c, d, n);
  } else {
    static std::mutex m;
    loop(m, n);
  }
}
