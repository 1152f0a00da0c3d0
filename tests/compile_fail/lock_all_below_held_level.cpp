// Every lock of a lock_all() must be ranked above every held lock. Both a and b are
// below c here; the error names the first of them only (one error per call).
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
  auto gc = lockorder::unlocked().lock(c);
  auto gab = gc.lock_all(a, b);
#else
  auto gab = lockorder::unlocked().lock_all(a, b);
  auto gc = gab.lock(c);
#endif
}

int main() { f(); }
