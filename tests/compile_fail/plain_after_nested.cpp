// A plain lock() is nesting subclass 0: taking it while holding subclass 1 of the same
// class is a decreasing nesting.
// expect-first-error: acquiring_subclass<node_lock, 0>.*while_holding_subclass<node_lock, 1>
// expect: nesting subclasses must increase
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(node_lock, 10);
lockorder::mutex<node_lock> first;
lockorder::mutex<node_lock> second;

void walk() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g1 = lockorder::unlocked().lock_nested<1>(first);
  auto g0 = g1.lock(second);
#else
  auto g0 = lockorder::unlocked().lock(first);
  auto g1 = g0.lock_nested<1>(second);
#endif
}

int main() { walk(); }
