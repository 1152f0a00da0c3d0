// The last step's class is named by no later step, so only a check of the whole hierarchy
// finds it: checked_hierarchy_v (and declared_hierarchy<H>()), where every class is defined.
// expect-first-error: step_class_not_in_hierarchy.*named_in_a_step<iommu_lock>
// expect: does not say in<H>|add lockorder::in<Hierarchy>
#include <lockorder/hierarchy.hpp>

struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">>;
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
#ifdef LOCKORDER_COMPILE_FAIL
LOCKORDER_CLASS(iommu_lock);
#else
LOCKORDER_CLASS(iommu_lock, lockorder::in<iommu_locks>);
#endif
static_assert(lockorder::checked_hierarchy_v<iommu_locks>);

int main() {}
