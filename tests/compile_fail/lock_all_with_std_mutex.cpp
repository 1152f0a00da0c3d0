// lock_all() takes lockorder locks only: the first offending argument is named, once.
// expect-first-error: not_a_lockorder_lock.*argument_type<std::mutex>
// expect: contexts take lockorder locks
#include <lockorder/lockorder.hpp>

#include <mutex>

LOCKORDER_CLASS(a_lock, 10);
LOCKORDER_CLASS(b_lock, 20);
lockorder::mutex<a_lock> a;
#ifdef LOCKORDER_COMPILE_FAIL
std::mutex b;
#else
lockorder::mutex<b_lock, std::mutex> b;
#endif

void f() { auto g = lockorder::unlocked().lock_all(a, b); }

int main() { f(); }
