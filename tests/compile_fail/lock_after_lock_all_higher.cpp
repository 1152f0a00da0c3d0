// After lock_all(b, c) the context holds both; a lower lock afterwards is an inversion,
// reported against the highest held class.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<c_lock, 30>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
lockorder::mutex<c_lock> c;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gbc = lockorder::unlocked().lock_all(b, c);
  auto ga = gbc.lock(a);
#else
  auto ga = lockorder::unlocked().lock(a);
  auto gbc = ga.lock_all(b, c);
#endif
}

int main() { f(); }
