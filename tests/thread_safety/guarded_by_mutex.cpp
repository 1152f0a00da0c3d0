// Writing a variable guarded by a lockorder::mutex without holding it.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  data = v;
#else
  mu.lock();
  data = v;
  mu.unlock();
#endif
}

int main() { set(1); }
