// Built with lockorder as a subdirectory of the user's project: the target, the headers,
// the validator.
#include <lockorder/lockorder.hpp>

#include <cstdio>

LOCKORDER_CLASS(subdir_a, 10);
LOCKORDER_CLASS(subdir_b, 20);

int main() {
  lockorder::mutex<subdir_a> a;
  lockorder::mutex<subdir_b> b;
  auto ga = lockorder::unlocked().lock(a);
  auto gb = ga.lock(b);
  std::puts("consumer: built with lockorder as a subdirectory");
  return 0;
}
