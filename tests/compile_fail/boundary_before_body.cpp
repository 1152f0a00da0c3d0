// Inside context_before<mmap_sem> only mmap_sem and what is ordered after it may be
// taken: not a lock ranked below it, whatever the caller held.
// expect-first-error: outside_context_before_bound.*acquiring_class<gvt_lock>.*bound_before<mmap_sem>
// expect: context_before
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);
LOCKORDER_CLASS(struct_mutex, 30);
lockorder::mutex<gvt_lock> gvt;
lockorder::mutex<mmap_sem> mm;
lockorder::mutex<struct_mutex> sm;

void fault(lockorder::context_before<mmap_sem> ctx) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = ctx.lock(gvt);
#else
  auto m = ctx.lock(mm);
  auto s = m.lock(sm);
#endif
}

int main() { fault(lockorder::unlocked()); }
