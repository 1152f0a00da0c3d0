// The same lock taken twice (AA): a self-deadlock on a non-recursive mutex.
// expect-first-error: acquiring_class<a_lock>.*already_holding<a_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
lockorder::mutex<a_lock> a;
int counter = 0;

void twice() {
  auto g1 = lockorder::unlocked().lock(a);
  ++counter;
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = g1.lock(a);
#endif
  ++counter;
}

int main() { twice(); }
