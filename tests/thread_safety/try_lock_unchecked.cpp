// mutex::try_lock() holds the lock only when it returned true.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  mu.try_lock();
  data = v;
  mu.unlock();
#else
  if (mu.try_lock()) {
    data = v;
    mu.unlock();
  }
#endif
}

int main() { set(1); }
