// A declared order (after<>) between the classes of two fields must agree with the
// field order too.
// expect-first-error: aggregate_field_declared_order.*aggregate<mm_locks>, lockorder::field_class<0, page_lock>, lockorder::field_class<1, mmap_lock>
// expect: declared<page_lock, .*after_t<mmap_lock
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(mmap_lock);
LOCKORDER_CLASS(page_lock, lockorder::after<mmap_lock, "faults take the page under mmap_lock">);

#ifdef LOCKORDER_COMPILE_FAIL
struct mm_locks {
  lockorder::mutex<page_lock> page;
  lockorder::mutex<mmap_lock> mmap;
};
#else
struct mm_locks {
  lockorder::mutex<mmap_lock> mmap;
  lockorder::mutex<page_lock> page;
};
#endif

int main() {
  mm_locks locks;
  auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
}
