// 120 — seed 002: iommu/vt-d, at run time (Linux 5.2-rc5, June 2019).
//
// 010-first-hierarchy.cpp makes the faulty fix a compile error. Here the same two paths
// pick their iommu at run time and use plain std::lock_guard, as the driver does, and
// the validator reports the inversion the way lockdep did at boot: one task, the
// opposite orders one after the other, a two-lock scenario.
//
// expect-first-error: acquiring<ranked::device_domain_lock, 10>.*while_holding<ranked::iommu_lock, 20>
#include "seed_support.hpp"

#include <shared_mutex>
#include <vector>

namespace ranked {
LOCKORDER_CLASS(device_domain_lock, 10);
LOCKORDER_CLASS(iommu_lock, 20);
lockorder::mutex<device_domain_lock> domain;
lockorder::mutex<iommu_lock> iommu;
void dmar_insert_one_dev_info() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto i = lockorder::unlocked().lock(iommu);  // 7560cc3ca7d9: iommu->lock first
  auto d = i.lock(domain);
#else
  auto d = lockorder::unlocked().lock(domain);  // the revert
  auto i = d.lock(iommu);
#endif
}
}  // namespace ranked

LOCKORDER_CLASS(dmar_global_lock);
LOCKORDER_CLASS(device_domain_lock);
LOCKORDER_CLASS(iommu_lock);

struct intel_iommu {
  lockorder::mutex<iommu_lock> lock;
};
lockorder::shared_mutex<dmar_global_lock, rw_semaphore> dmar_global;
lockorder::mutex<device_domain_lock> device_domain;
std::vector<intel_iommu> iommus(2);

[[gnu::noinline]] void domain_context_mapping_one(intel_iommu& iommu) {
  std::lock_guard d(device_domain);
  std::lock_guard i(iommu.lock);  // device_domain_lock, then iommu->lock
}
[[gnu::noinline]] void dmar_insert_one_dev_info(intel_iommu& iommu) {
  std::lock_guard i(iommu.lock);  // the faulty fix: iommu->lock, then device_domain_lock
  std::lock_guard d(device_domain);
}
[[gnu::noinline]] void intel_iommu_init() {
  std::shared_lock g(dmar_global);
  dmar_insert_one_dev_info(iommus[0]);
  domain_context_mapping_one(iommus[1]);  // another iommu: the class is what matters
}

int main() {
  ranked::dmar_insert_one_dev_info();
  seed_reports reports;
  run_as("swapper/0", intel_iommu_init);
  const bool ok = reports.total() == 1 && reports.all.at(0).chain.size() == 2 &&
                  reports.all.at(0).held.size() == 2;
  std::printf("120: %s\n", ok ? "one report, the seed's two-lock scenario" : "unexpected reports");
  return ok ? 0 : 1;
}
