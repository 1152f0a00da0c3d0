// A callee that must be called with dev_lock held (holding<dev_lock>), called while
// holding only another class.
// expect-first-error: context_at_class_not_held.*callee_needs_held<dev_lock>
// expect: update_stats
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(dev_lock, 10);
LOCKORDER_CLASS(stats_lock, 20);
lockorder::mutex<dev_lock> dev;
lockorder::mutex<stats_lock> stats;
int packets = 0;

void update_stats(lockorder::holding<dev_lock> auto& ctx) {
  (void)ctx;
  ++packets;
}

void caller() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gs = lockorder::unlocked().lock(stats);
  update_stats(gs);
#else
  auto gd = lockorder::unlocked().lock(dev);
  update_stats(gd);
#endif
}

int main() { caller(); }
