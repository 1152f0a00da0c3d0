// A tried lock is held: taking another lock of its class after it needs lock_nested.
// expect-first-error: acquiring_class<inode_lock>.*already_holding<inode_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(inode_lock, 10);
lockorder::mutex<inode_lock> first;
lockorder::mutex<inode_lock> second;

void f() {
  auto t = lockorder::unlocked().try_lock(first);
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = t.lock(second);
#else
  auto g = t.lock_nested<1>(second);
#endif
}

int main() { f(); }
