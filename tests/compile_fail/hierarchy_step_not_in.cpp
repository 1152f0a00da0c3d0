// Every class a hierarchy names declares itself in<> it, so no translation unit sees the
// class without its order. One that does not is named when the next step's order is used.
// expect-first-error: step_class_not_in_hierarchy.*named_in_a_step<device_domain_lock>
// expect: does not say in<H>|add lockorder::in<Hierarchy>
#include <lockorder/lockorder.hpp>

struct dmar_global_lock; struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<dmar_global_lock,   "intel_iommu_init() holds it around everything">,
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">>;
LOCKORDER_CLASS(dmar_global_lock,   lockorder::in<iommu_locks>);
#ifdef LOCKORDER_COMPILE_FAIL
LOCKORDER_CLASS(device_domain_lock);
#else
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
#endif
LOCKORDER_CLASS(iommu_lock,         lockorder::in<iommu_locks>);
lockorder::mutex<iommu_lock> iommu;

int main() { auto i = lockorder::unlocked().lock(iommu); }
