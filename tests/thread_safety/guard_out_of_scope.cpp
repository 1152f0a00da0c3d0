// A guard returned by ctx.lock(m) holds m until it is destroyed: writing after its scope
// ends is caught.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  { auto g = lockorder::unlocked().lock(mu); }
  data = v;
#else
  auto g = lockorder::unlocked().lock(mu);
  data = v;
#endif
}

int main() { set(1); }
