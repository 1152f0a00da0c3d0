// A callee that will take a_lock, called by a caller that already holds a_lock: AA
// through a function boundary.
// expect-first-error: no matching function for call to .*flush_queue
// expect: may_acquire<.*a_lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
lockorder::mutex<a_lock> a;

void flush_queue(lockorder::may_acquire<a_lock> auto& ctx) { auto g = ctx.lock(a); }

void caller() {
  auto ctx = lockorder::unlocked();
#ifdef LOCKORDER_COMPILE_FAIL
  auto ga = ctx.lock(a);
  flush_queue(ga);
#else
  flush_queue(ctx);
#endif
}

int main() { caller(); }
