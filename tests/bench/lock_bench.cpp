// Hot-path benchmarks: lockorder against plain std::mutex in the same run.
// Commands and figures: docs/performance.md. Build type Release (-O2); the runtime is
// forced on (LOCKORDER_RUNTIME=1) for the lockorder cases.
#include <lockorder/lockorder.hpp>

#include "nest.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#if defined(LOCKORDER_BENCH_ABSL)
#include <absl/synchronization/mutex.h>

// absl::Mutex with its deadlock detection reporting (not aborting) on cycles. Debian's
// 20220623 has only Lock()/Unlock(): a BasicLockable face for the same loops.
[[maybe_unused]] static const bool absl_mode = [] {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kReport);
  return true;
}();
struct absl_mutex {
  absl::Mutex m;
  void lock() { m.Lock(); }
  void unlock() { m.Unlock(); }
};
#endif

LOCKORDER_CLASS(bench_a, 10);
LOCKORDER_CLASS(bench_b, 20);
LOCKORDER_CLASS(bench_c, 30);
LOCKORDER_CLASS(bench_d, 40);
LOCKORDER_CLASS(bench_pool, 50);

// --- single thread, one lock, chain cached ---------------------------------------------

template <class M>
void lock_unlock(benchmark::State& state) {
  static M m;
  for (auto _ : state) {
    m.lock();
    m.unlock();
    benchmark::ClobberMemory();
  }
}
BENCHMARK_TEMPLATE(lock_unlock, std::mutex);
BENCHMARK_TEMPLATE(lock_unlock, lockorder::mutex<bench_a>);
#if defined(LOCKORDER_BENCH_ABSL)
BENCHMARK_TEMPLATE(lock_unlock, absl_mutex);
#endif

// --- four nested locks ------------------------------------------------------------------

template <class A, class B, class C, class D>
void nested4(benchmark::State& state) {
  static A a;
  static B b;
  static C c;
  static D d;
  for (auto _ : state) {
    lock_unlock_nested4(a, b, c, d);
    benchmark::ClobberMemory();
  }
}
BENCHMARK_TEMPLATE(nested4, std::mutex, std::mutex, std::mutex, std::mutex);
BENCHMARK_TEMPLATE(nested4, lockorder::mutex<bench_a>, lockorder::mutex<bench_b>,
                   lockorder::mutex<bench_c>, lockorder::mutex<bench_d>);
#if defined(LOCKORDER_BENCH_ABSL)
BENCHMARK_TEMPLATE(nested4, absl_mutex, absl_mutex, absl_mutex, absl_mutex);
#endif

// The same through contexts: the compile-time checked path.
void nested4_contexts(benchmark::State& state) {
  static lockorder::mutex<bench_a> a;
  static lockorder::mutex<bench_b> b;
  static lockorder::mutex<bench_c> c;
  static lockorder::mutex<bench_d> d;
  for (auto _ : state) {
    auto ga = lockorder::unlocked().lock(a);
    auto gb = ga.lock(b);
    auto gc = gb.lock(c);
    auto gd = gc.lock(d);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(nested4_contexts);

// --- two threads over a pool of 64 locks, consistent order --------------------------------

template <class M>
void pool64(benchmark::State& state) {
  static std::array<M, 64> pool;
  unsigned i = static_cast<unsigned>(state.thread_index()) * 7;
  for (auto _ : state) {
    // Two locks of the pool in increasing index order: a consistent order.
    M& first = pool[i % 32];
    M& second = pool[32 + (i * 13) % 32];
    first.lock();
    second.lock();
    second.unlock();
    first.unlock();
    ++i;
  }
}
// With lockorder the pool is one class: the pair is taken as nesting subclasses 0 and 1.
template <>
void pool64<lockorder::mutex<bench_pool>>(benchmark::State& state) {
  static std::array<lockorder::mutex<bench_pool>, 64> pool;
  unsigned i = static_cast<unsigned>(state.thread_index()) * 7;
  for (auto _ : state) {
    auto& first = pool[i % 32];
    auto& second = pool[32 + (i * 13) % 32];
    first.lock();
    second.lock_nested(1);
    second.unlock();
    first.unlock();
    ++i;
  }
}
BENCHMARK_TEMPLATE(pool64, std::mutex)->Threads(2)->UseRealTime();
BENCHMARK_TEMPLATE(pool64, lockorder::mutex<bench_pool>)->Threads(2)->UseRealTime();
#if defined(LOCKORDER_BENCH_ABSL)
BENCHMARK_TEMPLATE(pool64, absl_mutex)->Threads(2)->UseRealTime();
#endif

#if !defined(LOCKORDER_BENCH_BASELINE_ONLY)
// --- first-time edge insertion into a large graph -----------------------------------------
// 10,000 classes (locks with classes of their own) and 100,000 edges learned in a
// consistent order; then each iteration learns one more new edge (a new chain: the slow
// path with its lock, graph insertion, and stack capture).

struct big_graph {
  static constexpr int classes = 10000;
  std::vector<std::unique_ptr<lockorder::mutex<bench_pool>>> locks;
  unsigned next = 0;
  big_graph() {
    locks.reserve(classes);
    for (int i = 0; i < classes; ++i)
      locks.push_back(std::make_unique<lockorder::mutex<bench_pool>>(lockorder::own_class));
    for (int e = 0; e < 100000; ++e) take(static_cast<unsigned>(e));
  }
  // Edge number e: from class f to class t > f, spread over the graph.
  void take(unsigned e) {
    const unsigned f = (e * 2654435761u) % (classes - 1);
    const unsigned span = 1 + (e / (classes - 1)) % 40 + e % 7;
    const unsigned t = std::min<unsigned>(classes - 1, f + span);
    if (f == t) return;
    locks[f]->lock();
    locks[t]->lock();
    locks[t]->unlock();
    locks[f]->unlock();
  }
};

big_graph& the_big_graph() {
  static big_graph g;
  return g;
}

void first_edge_insertion(benchmark::State& state) {
  big_graph& g = the_big_graph();
  static unsigned e = 100000;
  for (auto _ : state) g.take(e++);
}
BENCHMARK(first_edge_insertion)->Iterations(20000);

// --- reclaiming an own class ---------------------------------------------------------------
// With the graph above (10,000 classes, 100,000 edges): an own-class lock X taken under
// three locks of the graph's first half and over three of its second half (six edges),
// then destroyed. Timed: the destruction alone (reclaim: X's six edges removed, the nine
// paths A -> X -> B kept as A -> B, found existing after the first rounds).
void reclaim_own_class(benchmark::State& state) {
  big_graph& g = the_big_graph();
  unsigned k = 0;
  for (auto _ : state) {
    auto x = std::make_unique<lockorder::mutex<bench_pool>>(lockorder::own_class);
    for (unsigned i = 0; i < 3; ++i) {
      auto& a = *g.locks[(k + i * 5) % 16];  // the first half: before every B
      a.lock();
      x->lock();
      x->unlock();
      a.unlock();
      auto& b = *g.locks[big_graph::classes - 1 - (k + i * 3) % 16];
      x->lock();
      b.lock();
      b.unlock();
      x->unlock();
    }
    ++k;
    const auto start = std::chrono::steady_clock::now();
    x.reset();
    const auto stop = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
  }
}
BENCHMARK(reclaim_own_class)->UseManualTime()->Iterations(20000);
#endif

BENCHMARK_MAIN();
