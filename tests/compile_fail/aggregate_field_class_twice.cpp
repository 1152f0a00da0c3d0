// Two fields of one class: the field order cannot order a class against itself.
// expect-first-error: aggregate_field_class_twice.*aggregate<pair_locks>, lockorder::field_class<0, side_lock>, lockorder::field_class<1, side_lock>
// expect: two fields of an aggregate hierarchy have one class
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(side_lock);
LOCKORDER_CLASS(right_lock);

#ifdef LOCKORDER_COMPILE_FAIL
struct pair_locks {
  lockorder::mutex<side_lock> left;
  lockorder::mutex<side_lock> right;
};
#else
struct pair_locks {
  lockorder::mutex<side_lock> left;
  lockorder::mutex<right_lock> right;
};
#endif

int main() {
  pair_locks locks;
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
}
