// lockorder::mutex<Class, L>: L must be BasicLockable (lock() and unlock()).
// expect-first-error: constraint.*mutex
// expect: not_lockable.*does not satisfy.*basic_lockable|basic_lockable<L>.*with L = not_lockable
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);

struct not_lockable {
  void acquire() {}
  void release() {}
};
struct spin {
  void lock() {}
  void unlock() {}
};

#ifdef LOCKORDER_COMPILE_FAIL
lockorder::mutex<a_lock, not_lockable> m;
#else
lockorder::mutex<a_lock, spin> m;
#endif

int main() {}
