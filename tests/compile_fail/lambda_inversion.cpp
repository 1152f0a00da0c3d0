// An inversion inside a generic lambda that receives the context: checked when the
// lambda is called with the caller's guard.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
int hits = 0;

void f() {
  auto take_a = [](auto& ctx) {
    auto ga = ctx.lock(a);
    ++hits;
  };
#ifdef LOCKORDER_COMPILE_FAIL
  auto gb = lockorder::unlocked().lock(b);
  take_a(gb);
#else
  auto ctx = lockorder::unlocked();
  take_a(ctx);
  auto gb = ctx.lock(b);
#endif
}

int main() { f(); }
