// 140 — seed 004: kthread_park() and cross-release (Linux 4.15, December 2017).
//
// i915_reset_device() holds struct_mutex and waits, in kthread_park(), for the kthread's
// "parked" completion. lockdep's cross-release saw "(completion)parked --> mmap_sem -->
// struct_mutex": *some* kthread had faulted before completing its parked completion, and
// all kthreads shared one completion class, because they were created by one function.
// The fix was a class per kthread. Completions are first class here, and a completion can
// have a class of its own (own_class).
//
// (a) Static: waiting for a completion ranked below a held lock does not compile.
// (b) Dynamic: with one shared class, the report of the seed; with a class per kthread,
//     none: the kthread that faulted is not the one being parked.
//
// expect-first-error: waiting_on<ranked::parked, 10>.*while_holding<ranked::struct_mutex, 30>
#include "seed_support.hpp"

#include <shared_mutex>

namespace ranked {
LOCKORDER_CLASS(parked, 10);        // a kthread may fault before it parks
LOCKORDER_CLASS(mmap_sem, 20);
LOCKORDER_CLASS(struct_mutex, 30);
lockorder::mutex<struct_mutex> dev;
lockorder::completion<parked> kthread_parked;

void i915_reset_device() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock(dev);
  g.wait(kthread_parked);  // kthread_park() under struct_mutex
#else
  auto ctx = lockorder::unlocked();
  kthread_parked.complete();
  ctx.wait(kthread_parked);  // park first, then take struct_mutex
  auto g = ctx.lock(dev);
#endif
}
}  // namespace ranked

LOCKORDER_CLASS(struct_mutex);
LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(parked);

lockorder::mutex<struct_mutex> dev_struct_mutex;
lockorder::shared_mutex<mmap_sem, rw_semaphore> mm;

struct kthread {
  lockorder::completion<parked> parked_done;
  kthread() = default;
  explicit kthread(const char* name) : parked_done(lockorder::own_class_t{name}) {}
};

[[gnu::noinline]] void i915_gem_fault() {  // mmap_sem -> struct_mutex
  std::shared_lock m(mm);
  std::lock_guard g(dev_struct_mutex);
}
// Some kthread runs, faults, then parks: parked -> mmap_sem.
[[gnu::noinline]] void kthread_run_and_park(kthread& k) {
  {
    auto section = k.parked_done.signalling();
    mm.might_lock_shared();  // a fault while running
  }
  k.parked_done.complete();
}
// i915_reset_device(): kthread_park() on i915's own kthread, with struct_mutex held.
[[gnu::noinline]] void i915_reset_device(kthread& k) {
  std::lock_guard g(dev_struct_mutex);
  k.parked_done.wait();
}

int main() {
  ranked::i915_reset_device();
  seed_reports shared_class;
  {
    kthread other, breadcrumbs;  // one class for both: created in one place
    run_as("kworker", i915_gem_fault);
    run_as("kthread", [&] { kthread_run_and_park(other); });
    breadcrumbs.parked_done.complete();  // already parked
    run_as("gem_exec_captur", [&] { i915_reset_device(breadcrumbs); });
  }
  const bool reported = shared_class.total() == 1 && shared_class.all.at(0).chain.size() == 3;
  std::printf("140: one class for all kthreads: %d report(s)\n", shared_class.total());

  seed_reports per_kthread;
  {
    kthread other("kthread.other"), breadcrumbs("kthread.breadcrumbs");
    run_as("kthread", [&] { kthread_run_and_park(other); });
    breadcrumbs.parked_done.complete();
    run_as("gem_exec_captur", [&] { i915_reset_device(breadcrumbs); });
  }
  std::printf("140: a class per kthread: %d report(s)\n", per_kthread.total());
  return reported && per_kthread.total() == 0 ? 0 : 1;
}
