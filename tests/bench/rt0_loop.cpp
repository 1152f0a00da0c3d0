// LOCKORDER_RUNTIME=0: N lock+unlock pairs on lockorder::mutex (argument "lockorder") or
// on std::mutex (argument "std"). Under callgrind the two instruction counts must match.
#include <lockorder/lockorder.hpp>

#include <cstring>
#include <mutex>

LOCKORDER_CLASS(rt0_bench, 1);

template <class M>
[[gnu::noinline]] void loop(M& m, int n) {
  for (int i = 0; i < n; ++i) {
    m.lock();
    m.unlock();
    asm volatile("" ::: "memory");
  }
}

int main(int argc, char** argv) {
  const int n = 100000;
  if (argc > 1 && std::strcmp(argv[1], "lockorder") == 0) {
    static lockorder::mutex<rt0_bench> m;
    loop(m, n);
  } else {
    static std::mutex m;
    loop(m, n);
  }
}
