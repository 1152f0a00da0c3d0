// A plain function taking context_at<dev_lock> (dev_lock held, innermost), called while
// holding only another class. The first line names the callee's class and the held one.
// expect-first-error: context_at_class_not_held.*callee_needs_held<dev_lock>.*innermost_held<stats_lock>
// expect: context_at<
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(dev_lock, 10);
LOCKORDER_CLASS(stats_lock, 20);
lockorder::mutex<dev_lock> dev;
lockorder::mutex<stats_lock> stats;

void update_stats(lockorder::context_at<dev_lock> ctx) { auto s = ctx.lock(stats); }

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gs = lockorder::unlocked().lock(stats);
  update_stats(gs);
#else
  auto gd = lockorder::unlocked().lock(dev);
  update_stats(gd);
#endif
}
