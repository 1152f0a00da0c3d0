// A hierarchy's steps are declared orders: taking an earlier step's class while holding a
// later one does not compile, and the error names both classes and the reason of the step
// that is broken (here the third, through the second: the order is transitive).
// expect-first-error: acquiring_class<dmar_global_lock>.*while_holding_class<iommu_lock>
// expect: declared<iommu_lock, .*after_t<device_domain_lock, .*"protects the context entries
#include <lockorder/lockorder.hpp>

struct dmar_global_lock; struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<dmar_global_lock,   "intel_iommu_init() holds it around everything">,
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">>;
LOCKORDER_CLASS(dmar_global_lock,   lockorder::in<iommu_locks>);
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(iommu_lock,         lockorder::in<iommu_locks>);
lockorder::mutex<dmar_global_lock> dmar;
lockorder::mutex<iommu_lock> iommu;

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto i = lockorder::unlocked().lock(iommu);
  auto g = i.lock(dmar);
#else
  auto g = lockorder::unlocked().lock(dmar);
  auto i = g.lock(iommu);
#endif
}
