// A shared acquisition follows the same order as an exclusive one: reading level 10
// while holding level 20 is an inversion.
// expect-first-error: acquiring<table_lock, 10>.*while_holding<entry_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(table_lock, 10);
LOCKORDER_CLASS(entry_lock, 20);
lockorder::shared_mutex<table_lock> table;
lockorder::mutex<entry_lock> entry;

void lookup() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto ge = lockorder::unlocked().lock(entry);
  auto gt = ge.lock_shared(table);
#else
  auto gt = lockorder::unlocked().lock_shared(table);
  auto ge = gt.lock(entry);
#endif
}

int main() { lookup(); }
