// A struct of locks whose field order contradicts the levels: the struct is rejected
// where it is used as a hierarchy, naming the struct, both fields and both levels.
// expect-first-error: aggregate_field_order.*aggregate<bad_locks>, lockorder::field<1, b_lock, 20>, lockorder::field<2, a_lock, 10>
// expect: aggregate field order contradicts the levels
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(u_lock);

#ifdef LOCKORDER_COMPILE_FAIL
struct bad_locks {
  lockorder::mutex<u_lock> u;
  lockorder::mutex<b_lock> b;
  lockorder::mutex<a_lock> a;  // level 10 after level 20
};
#else
struct bad_locks {
  lockorder::mutex<u_lock> u;
  lockorder::mutex<a_lock> a;
  lockorder::mutex<b_lock> b;
};
#endif

int main() {
  bad_locks locks;
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
}
