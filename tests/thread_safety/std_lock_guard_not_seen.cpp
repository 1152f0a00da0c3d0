// Pins down a limitation (docs/api.md#thread-safety-analysis): libstdc++'s
// std::lock_guard carries no attributes, so the analysis does not see it hold a
// lockorder::mutex; a lockorder guard (or LOCKORDER_REQUIRES on a helper) does. If a
// standard library starts annotating lock_guard, this case fails: update the docs.
// expect: writing variable 'data' requires holding mutex 'mu' exclusively
#include <lockorder/lockorder.hpp>

#include <mutex>

LOCKORDER_CLASS(data_lock, 10);
lockorder::mutex<data_lock> mu;
int data LOCKORDER_GUARDED_BY(mu) = 0;

void set(int v) {
#ifdef LOCKORDER_COMPILE_FAIL
  std::lock_guard g(mu);
#else
  auto g = lockorder::unlocked().lock(mu);
#endif
  data = v;
}

int main() { set(1); }
