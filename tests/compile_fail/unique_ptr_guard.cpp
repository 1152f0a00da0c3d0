// A guard moved into a std::unique_ptr is still a context with the same held set.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<b_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

#include <memory>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto held = std::make_unique<decltype(lockorder::unlocked().lock(b))>(
      lockorder::unlocked().lock(b));
  auto ga = held->lock(a);
#else
  auto held = std::make_unique<decltype(lockorder::unlocked().lock(a))>(
      lockorder::unlocked().lock(a));
  auto gb = held->lock(b);
#endif
}

int main() { f(); }
