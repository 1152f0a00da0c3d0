// context_at<dev_lock> says dev_lock is the innermost lock; the caller also holds an
// unranked class taken after it, which is not ordered before dev_lock.
// expect-first-error: context_at_not_innermost.*callee_needs_held<dev_lock>.*also_holding<callback_lock>
// expect: context_at<
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(dev_lock, 10);
LOCKORDER_CLASS(stats_lock, 20);
LOCKORDER_CLASS(callback_lock);
lockorder::mutex<dev_lock> dev;
lockorder::mutex<stats_lock> stats;
lockorder::mutex<callback_lock> cb;

void update_stats(lockorder::context_at<dev_lock> ctx) { auto s = ctx.lock(stats); }

int main() {
  auto gd = lockorder::unlocked().lock(dev);
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = gd.lock(cb);
  update_stats(gc);
#else
  update_stats(gd);
  auto gc = gd.lock(cb);
#endif
}
