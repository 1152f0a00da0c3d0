// Same class twice with the run-time validator compiled out: still a compile error.
// flags: -DLOCKORDER_RUNTIME=0
// expect-first-error: acquiring_class<inode_lock>.*already_holding<inode_lock>
// expect: class already held
#include <lockorder/lockorder.hpp>

#if LOCKORDER_RUNTIME
#  error "this case checks LOCKORDER_RUNTIME=0: the flags line was not applied"
#endif

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
