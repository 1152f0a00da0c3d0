// lock_all() orders its locks by level and declared order, so it cannot order two
// unranked classes with no declared order between them; taking them one by one leaves
// their order to the run-time validator.
// expect-first-error: lock_all_cannot_order_unranked.*u_lock, v_lock
// expect: orders by level and declared order: give the classes levels
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(u_lock);
LOCKORDER_CLASS(v_lock);
lockorder::mutex<u_lock> u;
lockorder::mutex<v_lock> v;

void both() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_all(u, v);
#else
  auto gu = lockorder::unlocked().lock(u);
  auto gv = gu.lock(v);
#endif
}

int main() { both(); }
