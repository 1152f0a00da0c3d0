// A shared library whose constructor takes a lockorder lock (tests/faults/dlopen_test.cpp):
// a class of its own each time, so the acquisition takes the validator's lock.
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(dl_ctor_lock);

__attribute__((constructor)) static void take_a_lock_at_load() {
  lockorder::mutex<dl_ctor_lock> m(lockorder::own_class);
  std::lock_guard g(m);
}
