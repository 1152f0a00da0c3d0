// ABBA with the run-time validator compiled out: the compile-time check is identical.
// flags: -DLOCKORDER_RUNTIME=0
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

#if LOCKORDER_RUNTIME
#  error "this case checks LOCKORDER_RUNTIME=0: the flags line was not applied"
#endif

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
