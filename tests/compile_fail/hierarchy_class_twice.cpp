// A class has one place in a hierarchy: two steps naming it are an error at its
// LOCKORDER_CLASS, naming it.
// expect-first-error: class_twice_in_hierarchy.*named_in_two_steps<iommu_lock>
// expect: it has one place in the order|remove one of its steps
#include <lockorder/lockorder.hpp>

struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<iommu_lock,         "taken first on the fault path">,
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">
#ifdef LOCKORDER_COMPILE_FAIL
    , lockorder::step<iommu_lock,       "protects the context entries; nests inside the domain lock">
#endif
    >;
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(iommu_lock,         lockorder::in<iommu_locks>);

int main() {}
