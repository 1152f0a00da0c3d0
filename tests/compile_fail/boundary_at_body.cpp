// A callee body that breaks its own parameter: inside context_at<mmap_sem>, a lock ranked
// below mmap_sem.
// expect-first-error: acquiring<gvt_lock, 10>.*while_holding<mmap_sem, 20>
// expect: lock order violation|lock_order_violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);
LOCKORDER_CLASS(struct_mutex, 30);
lockorder::mutex<gvt_lock> gvt;
lockorder::mutex<mmap_sem> mm;
lockorder::mutex<struct_mutex> sm;

void fault(lockorder::context_at<mmap_sem> ctx) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = ctx.lock(gvt);
#else
  auto s = ctx.lock(sm);
#endif
}

int main() { fault(lockorder::unlocked().lock(mm)); }
