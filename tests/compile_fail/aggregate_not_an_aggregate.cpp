// lock_fields() takes a struct of locks, not a lock.
// expect-first-error: not_an_aggregate_hierarchy.*argument_type<lockorder::.*mutex<a_lock
// expect: lock_fields\(\) takes an aggregate whose fields are all lockorder locks
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);

struct one_lock {
  lockorder::mutex<a_lock> a;
};

int main() {
  one_lock locks;
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks.a);
#else
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
#endif
}
