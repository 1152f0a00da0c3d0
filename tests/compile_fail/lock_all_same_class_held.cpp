// lock_all() of locks of a class that is already held.
// expect-first-error: acquiring_class<inode_lock>.*already_holding<inode_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(inode_lock, 10);
lockorder::mutex<inode_lock> dir;
lockorder::mutex<inode_lock> src;
lockorder::mutex<inode_lock> dst;

void f() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto gd = lockorder::unlocked().lock(dir);
  auto g = gd.lock_all(src, dst);
#else
  auto g = lockorder::unlocked().lock_all(dir, src, dst);
#endif
}

int main() { f(); }
