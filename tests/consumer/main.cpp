// Built against an installed lockorder: the headers, the package config, the validator.
#include <lockorder/lockorder.hpp>

#include <cstdio>

LOCKORDER_CLASS(consumer_a, 10);
LOCKORDER_CLASS(consumer_b, 20);

int main() {
  lockorder::mutex<consumer_a> a;
  lockorder::mutex<consumer_b> b;
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
  std::puts("consumer: built against the installed lockorder");
  return 0;
}
