// 030 — callees state what they need: seed 000 (i915 gvt, mmap_sem).
//
// The report in seed 000 asks "how could lockdep find such an existing dependency?":
// mmap_sem -> struct_mutex came from the GPU page-fault handler (i915_gem_fault takes
// struct_mutex inside the fault, with mmap_sem held). So mmap_sem ranks below
// struct_mutex, and reading guest memory, which may fault, must not happen with
// struct_mutex held. Each function says in its signature what it must be called with
// (holding<C>) and what it will take (may_acquire<C>), and the compiler follows the
// order across function boundaries.
//
// expect: mmap_sem
// expect: struct_mutex
#include <lockorder/lockorder.hpp>

#include <cstdio>

LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);      // the fault handler takes struct_mutex inside it
LOCKORDER_CLASS(struct_mutex, 30);

lockorder::mutex<gvt_lock> gvt;
lockorder::mutex<struct_mutex> dev_struct_mutex;
lockorder::shared_mutex<mmap_sem> mm_mmap_sem;
int pages_read = 0;

// The page-fault path: mmap_sem for reading, then i915_gem_fault() takes struct_mutex.
void handle_mm_fault(lockorder::may_acquire<mmap_sem> auto& ctx) {
  auto mm = ctx.lock_shared(mm_mmap_sem);
  auto fault = mm.lock(dev_struct_mutex);
}

// might_fault(): reading guest memory may take the fault path.
void kvm_read_guest(lockorder::may_acquire<mmap_sem> auto& ctx) {
  handle_mm_fault(ctx);
  ++pages_read;
}

// Must be called with struct_mutex held.
void copy_gma_to_hva(lockorder::holding<struct_mutex> auto& ctx) {
  (void)ctx;
}

void intel_vgpu_create_workload() {
  auto g = lockorder::unlocked().lock(gvt);
#ifdef LOCKORDER_COMPILE_FAIL
  // The bug of seed 000: reading guest memory (may fault) with struct_mutex held.
  auto s = g.lock(dev_struct_mutex);
  copy_gma_to_hva(s);
  kvm_read_guest(s);
#else
  // The fix: read guest memory first, then take struct_mutex to copy.
  kvm_read_guest(g);
  auto s = g.lock(dev_struct_mutex);
  copy_gma_to_hva(s);
#endif
}

int main() {
  intel_vgpu_create_workload();
  std::printf("030: read %d page(s) before taking struct_mutex\n", pages_read);
  return pages_read == 1 ? 0 : 1;
}
