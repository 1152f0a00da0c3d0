// 010 — a first hierarchy: seed 002 (iommu/vt-d, June 2019).
//
// A lock-inversion "fix" (commit 7560cc3ca7d9) made dmar_insert_one_dev_info() take
// iommu->lock before device_domain_lock, while domain_context_mapping_one() takes them
// the other way round. lockdep caught it at boot and the fix was reverted. Here the
// order is declared once, as levels, and the faulty fix does not compile:
//
//   cmake --build build --target example_010_first_hierarchy   # the revert: compiles
//   (tests/compile_fail: example_010-first-hierarchy)         # the fix: rejected
//
// expect-first-error: acquiring<device_domain_lock, 10>.*while_holding<iommu_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <cstdio>

// Any Lockable can sit under a lockorder lock; here a small spinlock, as in the kernel.
class spinlock {
 public:
  void lock() noexcept {
    while (flag_.test_and_set(std::memory_order_acquire)) {}
  }
  bool try_lock() noexcept { return !flag_.test_and_set(std::memory_order_acquire); }
  void unlock() noexcept { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

// The hierarchy, written once: device_domain_lock is taken before any iommu->lock.
LOCKORDER_CLASS(device_domain_lock, 10);
LOCKORDER_CLASS(iommu_lock, 20);

struct intel_iommu {
  lockorder::mutex<iommu_lock, spinlock> lock;
  int context_entries = 0;
};

lockorder::mutex<device_domain_lock, spinlock> device_domain;
int device_count = 0;

// Called with device_domain_lock held: the concept says so, and the compiler checks it.
void domain_context_mapping_one(lockorder::holding<device_domain_lock> auto& ctx,
                                intel_iommu& iommu) {
  auto guard = ctx.lock(iommu.lock);  // 10 then 20: fine
  ++iommu.context_entries;
}

void dmar_insert_one_dev_info(intel_iommu& iommu) {
#ifdef LOCKORDER_COMPILE_FAIL
  // The faulty fix: iommu->lock first, then device_domain_lock. Does not compile.
  auto iommu_guard = lockorder::unlocked().lock(iommu.lock);
  auto domain_guard = iommu_guard.lock(device_domain);
#else
  // The revert: device_domain_lock first, then the iommu lock.
  auto domain_guard = lockorder::unlocked().lock(device_domain);
  ++device_count;
  domain_context_mapping_one(domain_guard, iommu);
#endif
}

int main() {
  intel_iommu iommu;
  dmar_insert_one_dev_info(iommu);
  std::printf("010: %d device(s), %d context entr%s mapped in the declared order\n",
              device_count, iommu.context_entries, iommu.context_entries == 1 ? "y" : "ies");
  return device_count == 1 && iommu.context_entries == 1 ? 0 : 1;
}
