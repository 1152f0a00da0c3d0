// The guard a successful try_lock returns is a context: locking through it checks the
// order against the tried lock and everything held before it.
// expect-first-error: acquiring<b_lock, 20>.*while_holding<c_lock, 30>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
lockorder::mutex<c_lock> c;
int work = 0;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = lockorder::unlocked().lock(c);
  if (auto ta = gc.try_lock(a)) {  // against the order: allowed, it cannot block
    auto gb = ta.lock(b);          // but this blocks, and c (30) is still held
    ++work;
  }
#else
  auto gc = lockorder::unlocked().lock(c);
  if (auto ta = gc.try_lock(a)) {
    auto tb = ta.try_lock(b);
    ++work;
  }
#endif
}

int main() { f(); }
