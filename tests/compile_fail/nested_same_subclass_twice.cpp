// lock_nested<1> and then lock_nested<1> again on the same class: nesting subclasses must
// strictly increase, and the error says so (not "use lock_nested", which was used).
// expect-first-error: acquiring_subclass<node_lock, 1>.*while_holding_subclass<node_lock, 1>
// expect: nesting subclasses must increase
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(node_lock, 10);
lockorder::mutex<node_lock> root;
lockorder::mutex<node_lock> left;
lockorder::mutex<node_lock> right;

void walk() {
  auto g0 = lockorder::unlocked().lock(root);
  auto g1 = g0.lock_nested<1>(left);
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = g1.lock_nested<1>(right);
#else
  auto g2 = g1.lock_nested<2>(right);
#endif
}

int main() { walk(); }
