// context_before<mmap_sem>: the callee may take mmap_sem; the caller holds struct_mutex,
// ranked above it (seed 000: reading guest memory with struct_mutex held).
// expect-first-error: context_before_violated.*callee_may_take<mmap_sem>.*while_holding_class<struct_mutex>
// expect: context_before<
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);
LOCKORDER_CLASS(struct_mutex, 30);
lockorder::mutex<gvt_lock> gvt;
lockorder::shared_mutex<mmap_sem> mm;
lockorder::mutex<struct_mutex> sm;

void kvm_read_guest(lockorder::context_before<mmap_sem> ctx) { auto r = ctx.lock_shared(mm); }

int main() {
  auto g = lockorder::unlocked().lock(gvt);
#ifdef LOCKORDER_COMPILE_FAIL
  auto s = g.lock(sm);
  kvm_read_guest(s);
#else
  kvm_read_guest(g);
  auto s = g.lock(sm);
#endif
}
