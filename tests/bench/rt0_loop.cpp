// Lock+unlock loops for callgrind instruction counts. Argument: "std" / "lockorder" (one
// lock, 100,000 iterations), "std4" / "lockorder4" (four nested locks).
// Built with LOCKORDER_RUNTIME=0 by the test bench.rt0_callgrind_equal (the counts of
// "std" and "lockorder" must match); built by hand with LOCKORDER_RUNTIME=1 for the
// run-time counts in docs/performance.md (the command is there).
#include <lockorder/lockorder.hpp>

#include "nest.hpp"

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
  } else if (std::strcmp(what, "std4") == 0) {
    static std::mutex a, b, c, d;
    loop4(a, b, c, d, n);
  } else {
    static std::mutex m;
    loop(m, n);
  }
}
