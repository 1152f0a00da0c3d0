// Contexts take lockorder locks only: a bare std::mutex has no class to check. One
// error, naming the type.
// expect-first-error: not_a_lockorder_lock.*argument_type<std::mutex>
// expect: contexts take lockorder locks
#include <lockorder/lockorder.hpp>

#include <mutex>

LOCKORDER_CLASS(a_lock, 10);
#ifdef LOCKORDER_COMPILE_FAIL
std::mutex m;
#else
lockorder::mutex<a_lock, std::mutex> m;
#endif

void f() { auto g = lockorder::unlocked().lock(m); }

int main() { f(); }
