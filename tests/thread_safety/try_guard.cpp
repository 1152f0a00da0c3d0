// A guard from ctx.try_lock(m) is taken as holding m for its whole scope (clang 16 cannot
// tie a try-acquire to the guard's operator bool: test it before touching the data);
// after its scope m is not held.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  if (auto g = lockorder::unlocked().try_lock(mu)) {
  }
  data = v;
#else
  if (auto g = lockorder::unlocked().try_lock(mu)) data = v;
#endif
}

int main() { set(1); }
