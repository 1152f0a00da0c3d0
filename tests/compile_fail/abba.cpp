// A plain AB-BA: the second order does not compile.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;

void ab() {
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
}

void ba() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gb = lockorder::unlocked().lock(b);
  auto ga = gb.lock(a);
#else
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
#endif
}

int main() {
  ab();
  ba();
}
