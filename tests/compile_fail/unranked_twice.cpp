// An unranked class is checked against itself only: two of its locks nested still need
// lock_nested. (Unranked classes have level 0 in the carrier.)
// expect-first-error: acquiring_class<callback_lock>.*already_holding<callback_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(callback_lock);
lockorder::mutex<callback_lock> cb1;
lockorder::mutex<callback_lock> cb2;

void f() {
  auto g1 = lockorder::unlocked().lock(cb1);
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = g1.lock(cb2);
#else
  auto g2 = g1.lock_nested<1>(cb2);
#endif
}

int main() { f(); }
