// Lock classes declared in a user namespace are named with it in the error.
// expect-first-error: acquiring<drv::gvt_lock, 10>.*while_holding<drv::struct_mutex, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

namespace drv {
LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(struct_mutex, 20);
lockorder::mutex<gvt_lock> gvt;
lockorder::mutex<struct_mutex> sm;
}  // namespace drv

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g1 = lockorder::unlocked().lock(drv::sm);
  auto g2 = g1.lock(drv::gvt);
#else
  auto g1 = lockorder::unlocked().lock(drv::gvt);
  auto g2 = g1.lock(drv::sm);
#endif
}

int main() { f(); }
