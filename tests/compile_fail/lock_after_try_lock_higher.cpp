// A try_lock may go against the order, but what is taken after it must follow it: a
// blocking lock of level 10 while the tried level 20 is held can deadlock.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;

void f() {
  auto tb = lockorder::unlocked().try_lock(b);
#ifdef LOCKORDER_COMPILE_FAIL
  auto ga = tb.lock(a);
#else
  auto ta = tb.try_lock(a);
#endif
}

int main() { f(); }
