// Reading a variable guarded by a lockorder::shared_mutex without holding it; holding it
// shared is enough to read.
// expect: reading variable 'table' requires holding mutex 'rw'
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(table_lock, 10);
lockorder::shared_mutex<table_lock> rw;
int table LOCKORDER_GUARDED_BY(rw) = 0;

int get() {
#ifdef LOCKORDER_COMPILE_FAIL
  return table;
#else
  rw.lock_shared();
  int v = table;
  rw.unlock_shared();
  return v;
#endif
}

int main() { return get(); }
