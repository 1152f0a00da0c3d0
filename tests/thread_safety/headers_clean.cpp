// lockorder's headers add no -Wthread-safety warning to a user's build: every annotated
// path used as intended, compiled with -Wthread-safety -Wthread-safety-beta -Werror
// (tests/thread_safety/CMakeLists.txt, with LOCKORDER_RUNTIME=0 and 1).
#include <lockorder/lockorder.hpp>

#include <mutex>
#include <shared_mutex>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
LOCKORDER_CLASS(c_lock, 30);
LOCKORDER_CLASS(notifier, 40);

lockorder::mutex<a_lock> ma;
lockorder::shared_mutex<b_lock> rw;
lockorder::mutex<c_lock> mc;
lockorder::annotation<notifier> invalidate;
int a LOCKORDER_GUARDED_BY(ma) = 0;
int b LOCKORDER_GUARDED_BY(rw) = 0;
int c LOCKORDER_GUARDED_BY(mc) = 0;

void need_a() LOCKORDER_REQUIRES(ma) { ++a; }
int read_b() LOCKORDER_REQUIRES_SHARED(rw) { return b; }

void guards() {
  auto ga = lockorder::unlocked().lock(ma);
  need_a();
  auto rb = ga.lock_shared(rw);
  int x = read_b();
  (void)x;
}

void more_guards() {
  {
    auto gb = lockorder::unlocked().lock(rw);
    b = 1;
  }
  auto rb = lockorder::unlocked().lock_shared(rw);
  auto gc = rb.lock_nested<1>(mc);
  c = read_b();
  gc.unlock();
}

int tries() {
  if (auto t = lockorder::unlocked().try_lock(ma)) a = 2;
  if (auto t = lockorder::unlocked().try_lock_shared(rw)) return b;
  return 0;
}

void direct() {
  ma.lock();
  a = 3;
  ma.unlock();
  ma.lock_nested(1);
  ma.unlock();
  if (ma.try_lock()) ma.unlock();
  rw.lock_shared();
  int x = b;
  (void)x;
  rw.unlock_shared();
  if (rw.try_lock_shared()) rw.unlock_shared();
  rw.lock();
  b = 4;
  rw.unlock();
}

void std_raii() {  // compiles clean; these guards are not seen (docs/api.md)
  std::lock_guard l(ma);
  std::unique_lock u(mc);
  u.unlock();
  std::shared_lock s(rw);
}

void groups_and_annotations() {
  auto g = lockorder::unlocked().lock_all(ma, mc);
  lockorder::notifier_section<lockorder::annotation<notifier>> section(invalidate);
  lockorder::might_alloc(invalidate);
}

int main() {
  guards();
  more_guards();
  tries();
  direct();
  std_raii();
  groups_and_annotations();
}
