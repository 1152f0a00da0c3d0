// LOCKORDER_MAX_SUBCLASSES is honoured by the compile-time check: with 4, subclass 4 is
// out of range and the message says how many are allowed.
// flags: -DLOCKORDER_MAX_SUBCLASSES=4
// expect-first-error: acquiring_subclass<node_lock, 4>.*subclasses_allowed<4>
// expect: nesting subclass out of range
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(node_lock, 10);
lockorder::mutex<node_lock> deep;

void walk() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_nested<4>(deep);
#else
  auto g = lockorder::unlocked().lock_nested<3>(deep);
#endif
}

int main() { walk(); }
