// A hierarchy combines with levels: its steps must not contradict them. The error names
// the step (as the order it declares, with its reason) and both levels.
// expect-first-error: declared_order_contradicts_levels.*declared<iommu_lock, .*after_t<device_domain_lock
// expect: levels<20, 10>
#include <lockorder/lockorder.hpp>

struct device_domain_lock; struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock,         "protects the context entries; nests inside the domain lock">>;
#ifdef LOCKORDER_COMPILE_FAIL
LOCKORDER_CLASS(device_domain_lock, 20, lockorder::in<iommu_locks>);
#else
LOCKORDER_CLASS(device_domain_lock, 5, lockorder::in<iommu_locks>);
#endif
LOCKORDER_CLASS(iommu_lock, 10, lockorder::in<iommu_locks>);
lockorder::mutex<iommu_lock> iommu;

int main() { auto i = lockorder::unlocked().lock(iommu); }
