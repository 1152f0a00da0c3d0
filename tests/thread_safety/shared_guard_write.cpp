// A guard from ctx.lock_shared(rw) holds rw shared: reading is fine, writing is caught.
// expect: writing variable 'table' requires holding mutex 'rw' exclusively
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(table_lock, 10);
lockorder::shared_mutex<table_lock> rw;
int table LOCKORDER_GUARDED_BY(rw) = 0;

int bump() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock_shared(rw);
#else
  auto g = lockorder::unlocked().lock(rw);
#endif
  table = table + 1;
  return table;
}

int read() {
  auto g = lockorder::unlocked().lock_shared(rw);
  return table;
}

int main() { return bump() + read(); }
