// Stress: 8 threads take random subsets of a pool of locks, always in one consistent
// (level) order, through std RAII and contexts, with try-locks and shared locks mixed in.
// The validator must report nothing, lose nothing, and never deadlock. Run under
// ThreadSanitizer by scripts/test: it must not report anything about lockorder itself.
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <vector>

LOCKORDER_CLASS(st_l0, 0);
LOCKORDER_CLASS(st_l1, 1);
LOCKORDER_CLASS(st_l2, 2);
LOCKORDER_CLASS(st_l3, 3);
LOCKORDER_CLASS(st_l4, 4);
LOCKORDER_CLASS(st_l5, 5);
LOCKORDER_CLASS(st_l6, 6);
LOCKORDER_CLASS(st_l7, 7);

struct pool {
  lockorder::mutex<st_l0> m0[8];
  lockorder::shared_mutex<st_l1> m1[8];
  lockorder::mutex<st_l2> m2[8];
  lockorder::mutex<st_l3> m3[8];
  lockorder::shared_mutex<st_l4> m4[8];
  lockorder::mutex<st_l5> m5[8];
  lockorder::mutex<st_l6> m6[8];
  lockorder::mutex<st_l7> m7[8];
  long counter[8][8] = {};
};

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::atomic<int> reports{0};
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stderr);
  });
  static pool p;
  std::atomic<long> ops{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int i = 0; i < iterations; ++i) {
        const unsigned mask = rng() & 0xff;
        const unsigned k = rng() % 8;
        // One lock per level whose bit is set, in increasing level order.
        std::unique_lock<lockorder::mutex<st_l0>> g0;
        std::shared_lock<lockorder::shared_mutex<st_l1>> g1;
        std::unique_lock<lockorder::mutex<st_l2>> g2;
        std::unique_lock<lockorder::mutex<st_l3>> g3;
        std::shared_lock<lockorder::shared_mutex<st_l4>> g4;
        std::unique_lock<lockorder::mutex<st_l5>> g5;
        if (mask & 1) g0 = std::unique_lock(p.m0[k]);
        if (mask & 2) g1 = std::shared_lock(p.m1[k]);
        if (mask & 4) g2 = std::unique_lock(p.m2[k]);
        if (mask & 8) g3 = std::unique_lock(p.m3[k], std::try_to_lock);
        if (mask & 16) g4 = std::shared_lock(p.m4[k]);
        if (mask & 32) g5 = std::unique_lock(p.m5[k]);
        // Contexts for the top two levels.
        auto ctx = lockorder::unlocked();
        if (mask & 64) {
          auto a = ctx.lock(p.m6[k]);
          auto b = a.lock(p.m7[k]);
          ++p.counter[6][k];
        } else {
          auto b = ctx.lock(p.m7[k]);
          ++p.counter[7][k];
        }
        ++ops;
      }
    });
  }
  for (auto& th : threads) th.join();
  long counted = 0;
  for (auto& row : p.counter)
    for (long c : row) counted += c;
  std::printf("stress: %ld operations, %ld counted, %d report(s)\n", ops.load(), counted,
              reports.load());
  return reports == 0 && counted == ops ? 0 : 1;
}
