// guard::unlock() releases: writing after it is caught; the nested guard g.lock(m2)
// holds m2 as well.
// expect: writing variable 'a' requires holding mutex 'ma' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> ma;
lockorder::mutex<b_lock> mb;
int a LOCKORDER_GUARDED_BY(ma) = 0;
int b LOCKORDER_GUARDED_BY(mb) = 0;

void set(int v) {
  auto ga = lockorder::unlocked().lock(ma);
  auto gb = ga.lock(mb);
  b = v;
#ifdef LOCKORDER_COMPILE_FAIL
  ga.unlock();
#endif
  a = v;
}

int main() { set(1); }
