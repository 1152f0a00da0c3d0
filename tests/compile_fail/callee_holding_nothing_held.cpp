// holding<dev_lock> called with the root context (nothing held at all).
// expect-first-error: no matching function for call to .*update_stats
// expect: holding<.*dev_lock
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
