// Two shared acquisitions of one class, nested: the check is the same as for exclusive
// ones (with std::shared_mutex a queued writer makes read-read recursion deadlock).
// expect-first-error: acquiring_class<table_lock>.*already_holding<table_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(table_lock, 10);
lockorder::shared_mutex<table_lock> t1;
lockorder::shared_mutex<table_lock> t2;

void read_both() {
  auto g1 = lockorder::unlocked().lock_shared(t1);
#ifdef LOCKORDER_COMPILE_FAIL
  auto g2 = g1.lock_shared(t2);
#else
  auto g2 = g1.try_lock_shared(t2);
#endif
}

int main() { read_both(); }
