// Lock classes declared inside a struct are named with it in the error.
// expect-first-error: acquiring<intel_iommu::lock_class, 10>.*while_holding<pci_bus::lock_class, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

struct intel_iommu {
  LOCKORDER_CLASS(lock_class, 10);
  lockorder::mutex<lock_class> lock;
};

struct pci_bus {
  LOCKORDER_CLASS(lock_class, 20);
  lockorder::mutex<lock_class> lock;
};

void f(intel_iommu& iommu, pci_bus& bus) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g1 = lockorder::unlocked().lock(bus.lock);
  auto g2 = g1.lock(iommu.lock);
#else
  auto g1 = lockorder::unlocked().lock(iommu.lock);
  auto g2 = g1.lock(bus.lock);
#endif
}

int main() {
  intel_iommu iommu;
  pci_bus bus;
  f(iommu, bus);
}
