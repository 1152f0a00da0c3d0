// Three classes: a→b and b→c are fine, c→a closes the cycle and does not compile.
// expect-first-error: acquiring<a_lock, 10>.*while_holding<c_lock, 30>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);
lockorder::mutex<a_lock> a;
lockorder::mutex<b_lock> b;
lockorder::mutex<c_lock> c;

void ab() {
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
}

void bc() {
  auto gb = lockorder::unlocked().lock(b);
  auto gc = gb.lock(c);
}

void ca() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = lockorder::unlocked().lock(c);
  auto ga = gc.lock(a);
#else
  auto ga = lockorder::unlocked().lock(a);
  auto gc = ga.lock(c);
#endif
}

int main() {
  ab();
  bc();
  ca();
}
