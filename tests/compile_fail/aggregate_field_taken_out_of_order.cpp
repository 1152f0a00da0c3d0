// Unranked fields are ordered by the struct alone: taking an earlier field while a later
// field's class is held goes against it, and is rejected though neither has a level.
// expect-first-error: aggregate_field_taken_out_of_order.*aggregate<fs_locks>, lockorder::acquiring_field<0, inode_lock>, lockorder::while_holding_field<2, extent_lock>
// expect: aggregate field order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(inode_lock);
LOCKORDER_CLASS(journal_lock);
LOCKORDER_CLASS(extent_lock);

struct fs_locks {
  lockorder::mutex<inode_lock> inode;
  lockorder::mutex<journal_lock> journal;
  lockorder::mutex<extent_lock> extent;
};

int main() {
  fs_locks locks;
#ifdef LOCKORDER_COMPILE_FAIL
  auto e = lockorder::lock_fields<2>(lockorder::unlocked(), locks);
  auto i = lockorder::lock_fields<0>(e, locks);
#else
  auto i = lockorder::lock_fields<0>(lockorder::unlocked(), locks);
  auto e = lockorder::lock_fields<2>(i, locks);
#endif
}
