// Holding a lock shared still ranks it: an exclusive level 10 after a shared level 20 is
// an inversion (a writer on the other side deadlocks with it).
// expect-first-error: acquiring<a_lock, 10>.*while_holding<config_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(config_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::shared_mutex<config_lock> config;

void update() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = lockorder::unlocked().lock_shared(config);
  auto ga = gc.lock(a);
#else
  auto ga = lockorder::unlocked().lock(a);
  auto gc = ga.lock_shared(config);
#endif
}

int main() { update(); }
