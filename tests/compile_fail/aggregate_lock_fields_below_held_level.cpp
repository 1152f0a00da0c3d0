// lock_fields() while holding a lock ranked above one of the fields: the field's class
// cannot follow the held set; the error names the classes, the levels and the field.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<c_lock, 30>.*field_of<dev_locks, 0>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);

struct dev_locks {
  lockorder::mutex<a_lock> a;
  lockorder::mutex<b_lock> b;
};
lockorder::mutex<c_lock> c;

int main() {
  dev_locks locks;
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = lockorder::unlocked().lock(c);
  auto g = lockorder::lock_fields(gc, locks);
#else
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
  auto gc = g.lock(c);
#endif
}
