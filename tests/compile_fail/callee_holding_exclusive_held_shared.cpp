// holding_exclusive<X> is not satisfied by X held shared: a writer's callee called by a
// reader.
// expect-first-error: no matching function for call to .*rebuild_index
// expect: holding_exclusive<.*index_lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(index_lock, 10);
lockorder::shared_mutex<index_lock> index_mutex;
int generation = 0;

void rebuild_index(lockorder::holding_exclusive<index_lock> auto& ctx) {
  (void)ctx;
  ++generation;
}

void caller() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_shared(index_mutex);
#else
  auto g = lockorder::unlocked().lock(index_mutex);
#endif
  rebuild_index(g);
}

int main() { caller(); }
