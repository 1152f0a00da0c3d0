// An inversion inside a plain lambda that captures a guard by reference.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
int hits = 0;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gb = lockorder::unlocked().lock(b);
  [&gb] {
    auto ga = gb.lock(a);
    ++hits;
  }();
#else
  auto ga = lockorder::unlocked().lock(a);
  [&ga] {
    auto gb = ga.lock(b);
    ++hits;
  }();
#endif
}

int main() { f(); }
