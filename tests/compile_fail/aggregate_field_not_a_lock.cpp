// A struct with a field that is not a lockorder lock is not a hierarchy.
// expect-first-error: aggregate_field_not_a_lock.*aggregate<counter>, lockorder::field_type<1, int>
// expect: every field of an aggregate hierarchy must be a lockorder lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(count_lock, 10);

#ifdef LOCKORDER_COMPILE_FAIL
struct counter {
  lockorder::mutex<count_lock> lock;
  int count;
};
#else
struct counter {
  lockorder::mutex<count_lock> lock;
};
#endif

int main() {
  counter c;
  auto g = lockorder::lock_fields(lockorder::unlocked(), c);
}
