// lockorder::condition_variable waits on a std::mutex underneath, as
// std::condition_variable does (with the runtime off it is one): a std::unique_lock over a
// lockorder::shared_mutex needs lockorder::condition_variable_any.
// expect-first-error: lockorder: condition_variable<C> waits with a std::unique_lock over std::mutex
// expect: condition_variable_any
#include <lockorder/lockorder.hpp>

#include <mutex>

LOCKORDER_CLASS(table_rwlock, 10);
LOCKORDER_CLASS(table_changed);
lockorder::shared_mutex<table_rwlock> rw;
bool changed = true;

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  lockorder::condition_variable<table_changed> cv;
#else
  lockorder::condition_variable_any<table_changed> cv;
#endif
  std::unique_lock l(rw);
  cv.wait(l, [] { return changed; });
}
