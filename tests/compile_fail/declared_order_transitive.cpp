// Declared orders are transitive: a -> b -> c makes a before c, and the error names the
// declaration of the held class through which the order reaches the acquired one.
// expect-first-error: acquiring_class<a_lock>.*while_holding_class<c_lock>
// expect: declared<c_lock, .*after_t<b_lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock);
LOCKORDER_CLASS(b_lock, lockorder::after<a_lock, "b's users already hold a">);
LOCKORDER_CLASS(c_lock, lockorder::after<b_lock, "c is a field of b's object">);
lockorder::mutex<a_lock> a;
lockorder::mutex<c_lock> c;

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = lockorder::unlocked().lock(c);
  auto ga = gc.lock(a);
#else
  auto ga = lockorder::unlocked().lock(a);
  auto gc = ga.lock(c);
#endif
}
