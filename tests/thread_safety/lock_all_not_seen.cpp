// Pins down a limitation (docs/api.md#thread-safety-analysis): clang 16 attributes cannot
// name a parameter pack, so the group guard of lock_all() is not seen holding its locks.
// Guards of single lock() calls are.
// expect: writing variable 'a' requires holding mutex 'ma' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> ma;
lockorder::mutex<b_lock> mb;
int a LOCKORDER_GUARDED_BY(ma) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_all(ma, mb);
#else
  auto g = lockorder::unlocked().lock(ma);
  auto g2 = g.lock(mb);
#endif
  a = v;
}

int main() { set(1); }
