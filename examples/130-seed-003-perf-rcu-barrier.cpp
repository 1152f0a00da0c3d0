// 130 — seed 003: perf, cpu hotplug and rcu_barrier() (Linux 5.6, March 2020).
//
// A chain across four subsystems: cpu hotplug takes pmus_lock, perf takes cpuctx_mutex
// under it and copies to user memory (mmap_sem) under that; rcu_barrier() takes the cpu
// hotplug lock; gpu drivers take their locks inside mmap_sem and call rcu_barrier() under
// them. Peter Zijlstra: "I did document the locking rules, I seem to have forgotten to
// comment on exactly why". Here the rules are one hierarchy, and every step says why.
//
// (a) Static: calling rcu_barrier() (may take barrier_mutex) with a gpu lock held does
//     not compile.
// (b) Dynamic: the five paths give one report of the six-class cycle. Those classes
//     declare nothing, as the kernel's did: the validator learns the chain by itself.
//
// The callee states what it takes (may_acquire), so the error is at the call:
// expect-first-error: rcu_barrier
// expect: gpu_lock
// expect: may_acquire<.*barrier_mutex
#include "seed_support.hpp"

#include <shared_mutex>

namespace rules {
struct barrier_mutex; struct cpu_hotplug_lock; struct pmus_lock;
struct cpuctx_mutex; struct mmap_sem; struct gpu_lock;
using rcu_perf_locks = lockorder::hierarchy<
    lockorder::step<barrier_mutex,    "rcu_barrier() holds it across cpus_read_lock()">,
    lockorder::step<cpu_hotplug_lock, "rcu_barrier() takes cpus_read_lock() under barrier_mutex">,
    lockorder::step<pmus_lock,        "hotplug callbacks (perf_event_init_cpu) run under cpu_hotplug_lock and take it">,
    lockorder::step<cpuctx_mutex,     "perf_event_init_cpu() takes each cpuctx under pmus_lock">,
    lockorder::step<mmap_sem,         "perf_read() copies to user space (may fault) under cpuctx_mutex">,
    lockorder::step<gpu_lock,         "gpu fault handlers take gpu locks inside mmap_sem">>;
LOCKORDER_CLASS(barrier_mutex,    lockorder::in<rcu_perf_locks>);
LOCKORDER_CLASS(cpu_hotplug_lock, lockorder::in<rcu_perf_locks>);
LOCKORDER_CLASS(pmus_lock,        lockorder::in<rcu_perf_locks>);
LOCKORDER_CLASS(cpuctx_mutex,     lockorder::in<rcu_perf_locks>);
LOCKORDER_CLASS(mmap_sem,         lockorder::in<rcu_perf_locks>);
LOCKORDER_CLASS(gpu_lock,         lockorder::in<rcu_perf_locks>);
lockorder::mutex<barrier_mutex> barrier;
lockorder::mutex<gpu_lock> gpu;

void rcu_barrier(lockorder::may_acquire<barrier_mutex> auto& ctx) {
  auto b = ctx.lock(barrier);
}
void i915_gem_shrink() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock(gpu);
  rcu_barrier(g);  // not allowed: barrier_mutex comes five steps before gpu locks
#else
  auto root = lockorder::unlocked();
  rcu_barrier(root);  // flush first, then take the gpu lock
  auto g = root.lock(gpu);
#endif
}
}  // namespace rules

LOCKORDER_CLASS(barrier_mutex);
LOCKORDER_CLASS(cpu_hotplug_lock);
LOCKORDER_CLASS(pmus_lock);
LOCKORDER_CLASS(cpuctx_mutex);
LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(gpu_lock);

lockorder::mutex<barrier_mutex> rcu_barrier_mutex;
lockorder::shared_mutex<cpu_hotplug_lock, rw_semaphore> cpu_hotplug;
lockorder::mutex<pmus_lock> pmus;
lockorder::mutex<cpuctx_mutex> cpuctx;
lockorder::shared_mutex<mmap_sem, rw_semaphore> mm;
lockorder::mutex<gpu_lock> gpu;

[[gnu::noinline]] void perf_read() {  // cpuctx_mutex -> mmap_sem
  std::lock_guard c(cpuctx);
  mm.might_lock_shared();  // copy_to_user() may fault
}
[[gnu::noinline]] void perf_event_init_cpu() {  // pmus_lock -> cpuctx_mutex
  std::lock_guard p(pmus);
  std::lock_guard c(cpuctx);
}
[[gnu::noinline]] void cpu_up() {  // cpu_hotplug_lock -> pmus_lock
  std::lock_guard h(cpu_hotplug);  // cpus_write_lock()
  perf_event_init_cpu();
}
[[gnu::noinline]] void rcu_barrier() {  // barrier_mutex -> cpu_hotplug_lock
  std::lock_guard b(rcu_barrier_mutex);
  std::shared_lock h(cpu_hotplug);  // cpus_read_lock()
}
[[gnu::noinline]] void i915_gem_fault() {  // mmap_sem -> gpu_lock
  std::shared_lock m(mm);
  std::lock_guard g(gpu);
}
[[gnu::noinline]] void i915_gem_shrink() {  // gpu_lock -> barrier_mutex: closes the cycle
  std::lock_guard g(gpu);
  rcu_barrier();
}

int main() {
  rules::i915_gem_shrink();
  seed_reports reports;
  run_as("perf", perf_read);
  run_as("cpuhp/1", cpu_up);
  run_as("kernel_init", rcu_barrier);
  run_as("kms_frontbuffer", i915_gem_fault);
  run_as("kms_frontbuffer", i915_gem_shrink);
  const bool ok = reports.total() == 1 && reports.all.at(0).chain.size() == 6;
  std::printf("130: %s\n", ok ? "one report, the six-class cycle" : "unexpected reports");
  return ok ? 0 : 1;
}
