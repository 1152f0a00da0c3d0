// A callee that writes data guarded by a lockorder::mutex must know the mutex is held:
// m.assert_held() tells -Wthread-safety so (ASSERT_CAPABILITY); without it, the write is
// a warning. The run-time half of the assertion is tests/unit/assert_test.cpp.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set_locked(int v) {  // called with mu held (a callback, say)
#ifndef LOCKORDER_COMPILE_FAIL
  mu.assert_held();
#endif
  data = v;
}

int main() {
  mu.lock();
  set_locked(1);
  mu.unlock();
}
