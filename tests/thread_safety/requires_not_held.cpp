// Calling a function declared LOCKORDER_REQUIRES(mu) without holding mu; a guard from a
// context holds it.
// expect: calling function 'update' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(state_lock, 10);
lockorder::mutex<state_lock> mu;
int state LOCKORDER_GUARDED_BY(mu) = 0;

void update(int v) LOCKORDER_REQUIRES(mu) { state = v; }

void caller() {
#ifdef LOCKORDER_COMPILE_FAIL
  update(1);
#else
  auto g = lockorder::unlocked().lock(mu);
  update(1);
#endif
}

int main() { caller(); }
