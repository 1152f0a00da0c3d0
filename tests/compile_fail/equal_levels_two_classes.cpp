// Two different classes with the same level have no order between them: taking one while
// holding the other does not compile (levels must strictly increase). Taking them one
// after the other is fine.
// expect-first-error: acquiring<b_lock, 10>.*while_holding<a_lock, 10>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 10);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;

void both() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
#else
  { auto ga = lockorder::unlocked().lock(a); }
  { auto gb = lockorder::unlocked().lock(b); }
#endif
}

int main() { both(); }
