// 150 — gem.cpp: struct_mutex and the GPU fault path (see i915.hpp).
//
// The callee body that breaks its own parameter: copy_gma_to_hva() holds struct_mutex
// (context_at<struct_mutex>) and reads guest memory, which may take mmap_sem.
//
// expect-first-error: acquiring<mmap_sem, 20>.*while_holding<struct_mutex, 30>
// expect: lock order violation|lock_order_violation
#include "i915.hpp"

lockorder::mutex<struct_mutex> dev_struct_mutex;
int copies = 0, faults = 0;

void copy_gma_to_hva(lockorder::context_at<struct_mutex> ctx) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto mm = ctx.lock_shared(mm_mmap_sem);  // the bug of seed 000, inside the callee
#else
  (void)ctx;
#endif
  ++copies;
}

void i915_gem_fault(lockorder::context_at<lockorder::shared<mmap_sem>> ctx) {
  auto s = ctx.lock(dev_struct_mutex);  // i915_mutex_lock_interruptible()
  ++faults;
}

fault_handler on_fault = [](lockorder::context_at<lockorder::shared<mmap_sem>> ctx) {
  i915_gem_fault(ctx);
};
