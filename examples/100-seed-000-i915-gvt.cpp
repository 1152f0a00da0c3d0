// 100 — seed 000: i915 gvt and mmap_sem (Linux 4.16-rc5, March 2018).
//
// lockdep reported struct_mutex -> mmap_sem (kvm_read_guest() may fault while
// copy_gma_to_hva() holds struct_mutex) against an "existing dependency" mmap_sem ->
// struct_mutex, and the reporter asked: "how could lockdep find such an existing
// dependency?". It came from the GPU page-fault handler, in another task, long before.
//
// (a) Static: with levels, reading guest memory (which may fault: a shared acquisition
//     of mmap_sem) while struct_mutex is held does not compile.
// (b) Dynamic: the same paths through plain std RAII and function pointers. The report
//     names where mmap_sem -> struct_mutex was first seen: i915_gem_fault, in the task
//     that faulted. The question never needs asking.
//
// expect-first-error: acquiring<ranked::mmap_sem, 20>.*while_holding<ranked::struct_mutex, 30>
// expect: lock order violation|lock_order_violation
#include "seed_support.hpp"

#include <shared_mutex>

// ---- (a) the order, declared ----------------------------------------------------------
namespace ranked {
LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);      // the fault handler takes struct_mutex inside it
LOCKORDER_CLASS(struct_mutex, 30);
lockorder::mutex<gvt_lock> gvt;
lockorder::shared_mutex<mmap_sem, rw_semaphore> mm;
lockorder::mutex<struct_mutex> dev;

void intel_vgpu_create_workload() {
  auto g = lockorder::unlocked().lock(gvt);
#ifdef LOCKORDER_COMPILE_FAIL
  auto s = g.lock(dev);        // copy_gma_to_hva()
  s.might_lock_shared(mm);     // kvm_read_guest(): may fault
#else
  g.might_lock_shared(mm);     // read the guest page first...
  auto s = g.lock(dev);        // ...then copy under struct_mutex
#endif
}
}  // namespace ranked

// ---- (b) the same paths, checked at run time --------------------------------------------
LOCKORDER_CLASS(gvt_lock);
LOCKORDER_CLASS(struct_mutex);
LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(kvm_srcu);

// SRCU readers never wait for each other, nor for a writer: a reader-recursive lock.
struct srcu_struct : std::shared_mutex {};
template <>
inline constexpr bool lockorder::reader_recursive_v<srcu_struct> = true;

lockorder::mutex<gvt_lock> gvt_lock_;
lockorder::mutex<struct_mutex> dev_struct_mutex;
lockorder::shared_mutex<mmap_sem, rw_semaphore> mm_mmap_sem;                  // an rwsem: readers can wait
lockorder::shared_mutex<kvm_srcu, srcu_struct> kvm_srcu_;

// The GPU fault handler: called with mmap_sem held for reading.
[[gnu::noinline]] void i915_gem_fault() {
  std::lock_guard lock(dev_struct_mutex);  // i915_mutex_lock_interruptible()
}
[[gnu::noinline]] void handle_mm_fault(void (*vm_fault)()) {
  std::shared_lock mm(mm_mmap_sem);        // __do_page_fault(): down_read(&mm->mmap_sem)
  vm_fault();
}

// gvt: guest memory is read through kvm, which may fault.
[[gnu::noinline]] void kvm_read_guest() {
  lockorder::might_fault(mm_mmap_sem);     // __might_fault()
}
[[gnu::noinline]] void kvmgt_rw_gpa() {
  std::shared_lock srcu(kvm_srcu_);
  kvm_read_guest();
}
[[gnu::noinline]] void copy_gma_to_hva() {
  std::lock_guard lock(dev_struct_mutex);
  kvmgt_rw_gpa();
}
[[gnu::noinline]] void intel_vgpu_emulate_mmio_write() {
  std::lock_guard lock(gvt_lock_);
  copy_gma_to_hva();
}

int main() {
  ranked::intel_vgpu_create_workload();
  seed_reports reports;
  run_as("test-fault", [] { handle_mm_fault(i915_gem_fault); });
  run_as("qemu-system-x86", intel_vgpu_emulate_mmio_write);
  const auto& r = reports.all.at(0);
  const bool ok = reports.total() == 1 && r.chain.size() == 2 &&
                  r.chain[0].first_seen.function.find("i915_gem_fault") == 0 &&
                  r.held.size() == 3;
  std::printf("100: %s\n", ok ? "the existing dependency came from i915_gem_fault, as shown"
                              : "unexpected reports");
  return ok ? 0 : 1;
}
