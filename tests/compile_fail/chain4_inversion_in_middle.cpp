// A four-level chain a→c→b→d: the inversion is in the middle (b after c), and the error
// names the pair that inverts, not the ends of the chain.
// expect-first-error: acquiring<b_lock, 20>.*while_holding<c_lock, 30>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);
LOCKORDER_CLASS(d_lock, 40);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
lockorder::mutex<c_lock> c;
lockorder::mutex<d_lock> d;

void chain() {
  auto ga = lockorder::unlocked().lock(a);
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = ga.lock(c);
  auto gb = gc.lock(b);
#else
  auto gb = ga.lock(b);
  auto gc = gb.lock(c);
#endif
  auto gd = gc.lock(d);
}

int main() { chain(); }
