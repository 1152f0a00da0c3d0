// 150 — gvt.cpp: the caller (see i915.hpp).
//
// The caller that breaks a callee's parameter: the bug of seed 000, reading guest memory
// (context_before<mmap_sem>) with struct_mutex held. The error names both classes.
//
// expect-first-error: context_before_violated.*callee_may_take<mmap_sem>.*while_holding_class<struct_mutex>
// expect: gvt.cpp
#include "i915.hpp"

#include <cstdio>

lockorder::mutex<gvt_lock> gvt;

void intel_vgpu_create_workload() {
  auto g = lockorder::unlocked().lock(gvt);
#ifdef LOCKORDER_COMPILE_FAIL
  auto s = g.lock(dev_struct_mutex);
  copy_gma_to_hva(s);
  kvm_memory().read(s);   // may fault, with struct_mutex held
#else
  kvm_memory().read(g);   // read the guest page first (it may fault)...
  auto s = g.lock(dev_struct_mutex);
  copy_gma_to_hva(s);     // ...then copy under struct_mutex
#endif
}

namespace {
int reports = 0;  // a global, not a local of main: the handler may outlive main
}

int main() {
  lockorder::set_report_handler([](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stderr);
  });
  intel_vgpu_create_workload();
  std::printf("150: %d page(s) read, %d fault(s), %d copy, %d report(s)\n", pages_read, faults,
              copies, reports);
  return pages_read == 1 && faults == 1 && copies == 1 && reports == 0 ? 0 : 1;
}
