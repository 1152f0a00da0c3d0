// lock_nested only relaxes the rule for its own class: a nested lock of a lower class
// while holding a higher one is still an order violation.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a1;
lockorder::mutex<a_lock> a2;
lockorder::mutex<b_lock> b;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g0 = lockorder::unlocked().lock(a1);
  auto gb = g0.lock(b);
  auto g1 = gb.lock_nested<1>(a2);
#else
  auto g0 = lockorder::unlocked().lock(a1);
  auto g1 = g0.lock_nested<1>(a2);
  auto gb = g1.lock(b);
#endif
}

int main() { f(); }
