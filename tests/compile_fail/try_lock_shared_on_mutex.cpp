// try_lock_shared() needs a reader/writer lock too.
// expect-first-error: lock_shared_needs_a_shared_mutex.*argument_type<lockorder::.*mutex<a_lock
// expect: shared acquisition of an exclusive-only lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
lockorder::mutex<a_lock> a;

void read() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().try_lock_shared(a);
#else
  auto g = lockorder::unlocked().try_lock(a);
#endif
}

int main() { read(); }
