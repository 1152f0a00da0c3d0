// Nesting subclasses run from 0 to LOCKORDER_MAX_SUBCLASSES - 1 (8 by default, as lockdep).
// expect-first-error: acquiring_subclass<node_lock, 8>.*subclasses_allowed<8>
// expect: nesting subclass out of range
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(node_lock, 10);
lockorder::mutex<node_lock> deep;

void walk() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_nested<LOCKORDER_MAX_SUBCLASSES>(deep);
#else
  auto g = lockorder::unlocked().lock_nested<LOCKORDER_MAX_SUBCLASSES - 1>(deep);
#endif
}

int main() { walk(); }
