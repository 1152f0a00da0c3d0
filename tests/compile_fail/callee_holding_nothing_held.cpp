// holding<dev_lock> called with the root context (nothing held at all).
// expect-first-error: context_at_class_not_held.*callee_needs_held<dev_lock>
// expect: update_stats
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(dev_lock, 10);
lockorder::mutex<dev_lock> dev;
int packets = 0;

void update_stats(lockorder::holding<dev_lock> auto& ctx) {
  (void)ctx;
  ++packets;
}

void caller() {
  auto ctx = lockorder::unlocked();
#ifdef LOCKORDER_COMPILE_FAIL
  update_stats(ctx);
#else
  auto gd = ctx.lock(dev);
  update_stats(gd);
#endif
}

int main() { caller(); }
