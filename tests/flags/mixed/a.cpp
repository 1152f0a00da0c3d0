// Two translation units of one program (tests/flags/mixed_tables.cmake): a.cpp, built
// with other table sizes than b.cpp in the "mixed" case, must be said at run time.
#include <lockorder/lockorder.hpp>
LOCKORDER_CLASS(mix_a);
lockorder::mutex<mix_a> ma;
void take_a() { std::lock_guard g(ma); }
