// 120 — seed 002: iommu/vt-d, at run time (Linux 5.2-rc5, June 2019).
//
// The revert says the order in one sentence: "we should always take device_domain_lock
// first then the iommu lock". (a) Static: the order declared in one place, a hierarchy
// whose steps say why; the faulty fix (7560cc3ca7d9) is a compile error that names both
// classes and the reason of the step it breaks. (b) Dynamic: the same two paths pick their
// iommu at run time and use plain std::lock_guard, as the driver does, on classes that
// declare nothing, as the kernel's did; the validator reports the inversion the way lockdep
// did at boot: one task, the opposite orders one after the other, a two-lock scenario.
//
// expect-first-error: acquiring_class<vtd::device_domain_lock>.*while_holding_class<vtd::iommu_lock>
// expect: declared<vtd::iommu_lock, .*after_t<vtd::device_domain_lock, .*"protects the context entries
#include "seed_support.hpp"

#include <shared_mutex>
#include <vector>

namespace vtd {
struct dmar_global_lock; struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<dmar_global_lock,   "intel_iommu_init() holds it around everything">,
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">>;
LOCKORDER_CLASS(dmar_global_lock,   lockorder::in<iommu_locks>);
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(iommu_lock,         lockorder::in<iommu_locks>);
lockorder::shared_mutex<dmar_global_lock, rw_semaphore> dmar_global;
lockorder::mutex<device_domain_lock> domain;
lockorder::mutex<iommu_lock> iommu;
void dmar_insert_one_dev_info() {
  auto g = lockorder::unlocked().lock_shared(dmar_global);  // intel_iommu_init()
#ifdef LOCKORDER_COMPILE_FAIL
  auto i = g.lock(iommu);  // 7560cc3ca7d9: iommu->lock first
  auto d = i.lock(domain);
#else
  auto d = g.lock(domain);  // the revert
  auto i = d.lock(iommu);
#endif
}
}  // namespace vtd

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
  vtd::dmar_insert_one_dev_info();
  seed_reports reports;
  run_as("swapper/0", intel_iommu_init);
  const bool ok = reports.total() == 1 && reports.all.at(0).chain.size() == 2 &&
                  reports.all.at(0).held.size() == 2;
  std::printf("120: %s\n", ok ? "one report, the seed's two-lock scenario" : "unexpected reports");
  return ok ? 0 : 1;
}
