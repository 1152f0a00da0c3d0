// The other unit of tests/flags/mixed_tables.cmake (see a.cpp).
#include <lockorder/lockorder.hpp>
LOCKORDER_CLASS(mix_b);
lockorder::mutex<mix_b> mb;
void take_a();
int main() { take_a(); std::lock_guard g(mb); }
