// lock_nested<2> then lock_nested<1>: nesting subclasses taken in decreasing order.
// expect-first-error: acquiring_subclass<node_lock, 1>.*while_holding_subclass<node_lock, 2>
// expect: nesting subclasses must increase
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(node_lock, 10);
lockorder::mutex<node_lock> outer;
lockorder::mutex<node_lock> inner;

void walk() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = lockorder::unlocked().lock_nested<2>(outer);
  auto g1 = g2.lock_nested<1>(inner);
#else
  auto g1 = lockorder::unlocked().lock_nested<1>(outer);
  auto g2 = g1.lock_nested<2>(inner);
#endif
}

int main() { walk(); }
