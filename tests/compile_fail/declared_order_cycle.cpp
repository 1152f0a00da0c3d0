// after<> declarations that form a cycle cannot be satisfied: the error names every
// class on the cycle.
// expect-first-error: classes_on_the_cycle<
// expect-first-error: cyc_a
// expect-first-error: cyc_b
// expect-first-error: cyc_c
#include <lockorder/lockorder.hpp>

struct cyc_c;
LOCKORDER_CLASS(cyc_a, lockorder::after<cyc_c, "c first">);
LOCKORDER_CLASS(cyc_b, lockorder::after<cyc_a, "a first">);
#ifdef LOCKORDER_COMPILE_FAIL
LOCKORDER_CLASS(cyc_c, lockorder::after<cyc_b, "b first">);
#else
LOCKORDER_CLASS(cyc_c);
#endif
lockorder::mutex<cyc_a> a;

int main() { auto g = lockorder::unlocked().lock(a); }
