// lockorder::mutex<int>: the first template argument must be a lock class made by
// LOCKORDER_CLASS. The error is the compiler's constraint failure on lockorder::mutex,
// and its notes name the unsatisfied concept and the argument.
// expect-first-error: constraint.*mutex
// expect: int.*does not satisfy.*lock_class|lock_class<C>.*with C = int
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(a_lock, 10);
#ifdef LOCKORDER_COMPILE_FAIL
lockorder::mutex<int> m;
#else
lockorder::mutex<a_lock> m;
#endif

int main() {}
