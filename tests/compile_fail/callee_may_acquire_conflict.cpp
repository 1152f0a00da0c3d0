// A callee states that it will take a_lock (may_acquire<a_lock>); calling it while the
// caller holds the higher b_lock is rejected at the call, across the function boundary.
// The error is the compiler's overload failure; the failed concept names both classes.
// expect-first-error: no matching function for call to .*flush_queue
// expect: may_acquire<.*a_lock
// expect: may_acquire<.*b_lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;

void flush_queue(lockorder::may_acquire<a_lock> auto& ctx) { auto g = ctx.lock(a); }

void caller() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gb = lockorder::unlocked().lock(b);
  flush_queue(gb);
#else
  auto ctx = lockorder::unlocked();
  flush_queue(ctx);
  auto gb = ctx.lock(b);
#endif
}

int main() { caller(); }
