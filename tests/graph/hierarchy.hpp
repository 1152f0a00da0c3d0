// A declared hierarchy (seed 003's rules, with the reasons the seed says were missing),
// for the lockorder_hierarchy_docs() test.
#pragma once
#include <lockorder/lockorder.hpp>

namespace seed003 {
LOCKORDER_CLASS(barrier_mutex, 10);
LOCKORDER_CLASS(cpu_hotplug_lock, 20,
                lockorder::after<barrier_mutex, "rcu_barrier() holds barrier_mutex across cpus_read_lock()">);
LOCKORDER_CLASS(pmus_lock, 30,
                lockorder::after<cpu_hotplug_lock, "hotplug callbacks (perf_event_init_cpu) run under it">);
LOCKORDER_CLASS(cpuctx_mutex, 40, lockorder::after<pmus_lock, "perf_event_init_cpu takes each cpuctx under pmus_lock">);
LOCKORDER_CLASS(mmap_sem, 50, lockorder::after<cpuctx_mutex, "perf_read copies to user space under cpuctx_mutex">);
LOCKORDER_CLASS(gpu_lock, 60, lockorder::after<mmap_sem, "gpu fault handlers take gpu locks inside mmap_sem">);
}  // namespace seed003
