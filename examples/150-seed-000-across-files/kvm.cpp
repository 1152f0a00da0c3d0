// 150 — kvm.cpp: reading guest memory, which may fault (see i915.hpp).
#include "i915.hpp"

lockorder::shared_mutex<mmap_sem> mm_mmap_sem;
int pages_read = 0;

void kvm_read_guest(lockorder::context_before<mmap_sem> ctx) {
  auto mm = ctx.lock_shared(mm_mmap_sem);  // the page fault: down_read(mmap_sem)
  on_fault(mm);                            // the handler gem.cpp registered
  ++pages_read;
}

namespace {
struct kvm_guest_memory final : guest_memory {
  int read(lockorder::context_before<mmap_sem> ctx) override {
    kvm_read_guest(ctx);
    return 1;
  }
};
}  // namespace

guest_memory& kvm_memory() {
  static kvm_guest_memory memory;
  return memory;
}
