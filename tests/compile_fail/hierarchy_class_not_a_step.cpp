// A class that declares itself in<H> must be one of H's steps: the error is at its
// LOCKORDER_CLASS and names it.
// expect-first-error: class_not_a_step_of_its_hierarchy.*claiming_membership<pasid_lock>
// expect: the class declares in<H>, and no step of H names it|add a lockorder::step<Class, "why">
#include <lockorder/lockorder.hpp>

struct device_domain_lock; struct iommu_lock; struct pasid_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">
#ifndef LOCKORDER_COMPILE_FAIL
    , lockorder::step<pasid_lock, "pasid tables are set up under the iommu lock">
#endif
    >;
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(iommu_lock,         lockorder::in<iommu_locks>);
LOCKORDER_CLASS(pasid_lock,         lockorder::in<iommu_locks>);
lockorder::mutex<pasid_lock> pasid;

int main() { auto p = lockorder::unlocked().lock(pasid); }
