// Stress: THREADS threads (default 16) each make OPS acquisitions (default 1,000,000) of
// random subsets of a pool of locks, always in one consistent (level) order, through std
// RAII and contexts, with try-locks and shared locks mixed in. The validator must report
// nothing and never deadlock. Then every thread at once learns dependencies no one has
// seen before, between classes of its own: every one must be in the graph afterwards
// (no lost edge under concurrent insertion). Run under ThreadSanitizer by scripts/test
// (fewer operations): it must not report anything about lockorder itself.
// Usage: lockorder_stress [OPS [THREADS]]
#include <lockorder/lockorder.hpp>

#include <lockorder/export.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <memory>
#include <random>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
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

// Phase 2: thread t learns `chains` new dependencies first_t_i -> second_t_i, each between
// two classes of its own (own_class locks), all threads at once.
constexpr int new_edges_per_thread = 64;

int main(int argc, char** argv) {
  const long ops_per_thread = argc > 1 ? std::atol(argv[1]) : 1000000;
  const int nthreads = argc > 2 ? std::atoi(argv[2]) : 16;
  std::atomic<int> reports{0};
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stderr);
  });
  static pool p;
  std::atomic<long> ops{0}, iterations{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < nthreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      long mine = 0;
      while (mine < ops_per_thread) {
        const unsigned mask = rng() & 0xff;
        const unsigned k = rng() % 8;
        // One lock per level whose bit is set, in increasing level order.
        std::unique_lock<lockorder::mutex<st_l0>> g0;
        std::shared_lock<lockorder::shared_mutex<st_l1>> g1;
        std::unique_lock<lockorder::mutex<st_l2>> g2;
        std::unique_lock<lockorder::mutex<st_l3>> g3;
        std::shared_lock<lockorder::shared_mutex<st_l4>> g4;
        std::unique_lock<lockorder::mutex<st_l5>> g5;
        if (mask & 1) g0 = std::unique_lock(p.m0[k]), ++mine;
        if (mask & 2) g1 = std::shared_lock(p.m1[k]), ++mine;
        if (mask & 4) g2 = std::unique_lock(p.m2[k]), ++mine;
        if (mask & 8) g3 = std::unique_lock(p.m3[k], std::try_to_lock), ++mine;
        if (mask & 16) g4 = std::shared_lock(p.m4[k]), ++mine;
        if (mask & 32) g5 = std::unique_lock(p.m5[k]), ++mine;
        // Contexts for the top two levels.
        auto ctx = lockorder::unlocked();
        if (mask & 64) {
          auto a = ctx.lock(p.m6[k]);
          auto b = a.lock(p.m7[k]);
          ++p.counter[6][k];
          mine += 2;
        } else {
          auto b = ctx.lock(p.m7[k]);
          ++p.counter[7][k];
          ++mine;
        }
        ++iterations;
      }
      ops += mine;
    });
  }
  for (auto& th : threads) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long counted = 0;
  for (auto& row : p.counter)
    for (long c : row) counted += c;

  // Phase 2: concurrent first-time insertions; each must be in the graph afterwards. The
  // locks stay alive until the graph is read (an own class is reclaimed with its lock).
  threads.clear();
  using own_lock = std::unique_ptr<lockorder::mutex<st_l0>>;
  std::vector<std::vector<own_lock>> kept(static_cast<std::size_t>(nthreads));
  for (int t = 0; t < nthreads; ++t) {
    threads.emplace_back([t, &mine = kept[static_cast<std::size_t>(t)]] {
      for (int i = 0; i < new_edges_per_thread; ++i) {
        const std::string base = "new_" + std::to_string(t) + "_" + std::to_string(i);
        auto first = std::make_unique<lockorder::mutex<st_l0>>(
            lockorder::own_class_t{(base + "_first").c_str()});
        auto second = std::make_unique<lockorder::mutex<st_l0>>(
            lockorder::own_class_t{(base + "_second").c_str()});
        {
          std::lock_guard g1(*first);
          std::lock_guard g2(*second);
        }
        mine.push_back(std::move(first));
        mine.push_back(std::move(second));
      }
    });
  }
  for (auto& th : threads) th.join();
  const lockorder::lock_graph g = lockorder::observed_graph();
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : g.edges) edges.emplace(e.from, e.to);
  long lost = 0;
  for (int t = 0; t < nthreads; ++t)
    for (int i = 0; i < new_edges_per_thread; ++i) {
      const std::string base = "new_" + std::to_string(t) + "_" + std::to_string(i);
      if (!edges.count({base + "_first", base + "_second"})) {
        if (++lost <= 5) std::fprintf(stderr, "lost edge: %s_first -> %s_second\n", base.c_str(), base.c_str());
      }
    }

  std::printf("stress: %d threads, %ld acquisitions (%ld iterations) in %.2f s, %ld counted, "
              "%d report(s); %d new dependencies learned at once, %ld lost\n",
              nthreads, ops.load(), iterations.load(), seconds, counted, reports.load(),
              nthreads * new_edges_per_thread, lost);
  return reports == 0 && counted == iterations && lost == 0 ? 0 : 1;
}
