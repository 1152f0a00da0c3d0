// A ranked lock in between does not hide an unranked class taken twice.
// expect-first-error: acquiring_class<callback_lock>.*already_holding<callback_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(callback_lock);
LOCKORDER_CLASS(dev_lock, 10);
lockorder::mutex<callback_lock> cb1;
lockorder::mutex<callback_lock> cb2;
lockorder::mutex<dev_lock> dev;

void f() {
  auto g1 = lockorder::unlocked().lock(cb1);
  auto gd = g1.lock(dev);
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = gd.lock(cb2);
#else
  auto g2 = gd.lock_nested<1>(cb2);
#endif
}

int main() { f(); }
