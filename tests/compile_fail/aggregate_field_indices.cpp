// lock_fields<I...>() takes a subset in field order: indices increasing, in range.
// expect-first-error: aggregate_field_indices.*aggregate<dev_locks>, lockorder::field_indices<1, 0>, lockorder::field_count<2>
// expect: field indices below the field count, in increasing order
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);

struct dev_locks {
  lockorder::mutex<a_lock> a;
  lockorder::mutex<b_lock> b;
};

int main() {
  dev_locks locks;
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::lock_fields<1, 0>(lockorder::unlocked(), locks);
#else
  auto g = lockorder::lock_fields<0, 1>(lockorder::unlocked(), locks);
#endif
}
