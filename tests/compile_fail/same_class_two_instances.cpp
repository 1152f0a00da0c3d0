// Two locks of one class taken one inside the other, with no nesting annotation: this is
// how AB-BA between two instances (two inodes, two devices) starts, so it does not compile.
// expect-first-error: acquiring_class<inode_lock>.*already_holding<inode_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(inode_lock, 10);
lockorder::mutex<inode_lock> parent;
lockorder::mutex<inode_lock> child;

void rename() {
  auto gp = lockorder::unlocked().lock(parent);
#ifdef LOCKORDER_COMPILE_FAIL
  auto gc = gp.lock(child);
#else
  auto gc = gp.lock_nested<1>(child);
#endif
}

int main() { rename(); }
