// A class declared before another must not have a higher level than it.
// expect-first-error: declared<lv_b, .*after_t<lv_a
// expect-first-error: levels<20, 10>
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(lv_a, 20);
#ifdef LOCKORDER_COMPILE_FAIL
LOCKORDER_CLASS(lv_b, 10, lockorder::after<lv_a, "a first">);
#else
LOCKORDER_CLASS(lv_b, 30, lockorder::after<lv_a, "a first">);
#endif
lockorder::mutex<lv_b> b;

int main() { auto g = lockorder::unlocked().lock(b); }
