// A declared order (after<>) is checked like a level: taking the earlier class while
// holding the later one does not compile, and the error carries the declaration's reason.
// expect-first-error: acquiring_class<mmap_sem>.*while_holding_class<struct_mutex>
// expect: the fault handler takes it
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(struct_mutex, lockorder::after<mmap_sem, "the fault handler takes it inside mmap_sem">);
lockorder::shared_mutex<mmap_sem> mm;
lockorder::mutex<struct_mutex> dev;

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto s = lockorder::unlocked().lock(dev);
  auto m = s.lock_shared(mm);
#else
  auto m = lockorder::unlocked().lock_shared(mm);
  auto s = m.lock(dev);
#endif
}
