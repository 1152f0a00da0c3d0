// Compiled against the hierarchy lockorder-graph suggested from the `forward` run:
// the observed order compiles, its inversion does not.
// expect-first-error: declared_order_violation.*acquiring_class<barrier_mutex>.*while_holding_class<gpu_lock>
#include <lockorder/lockorder.hpp>

#include LOCKORDER_SUGGESTED  // the generated hierarchy and LOCKORDER_CLASS declarations

lockorder::mutex<barrier_mutex> barrier;
lockorder::mutex<gpu_lock> gpu;

int main() {
#ifdef LOCKORDER_COMPILE_FAIL
  auto g = lockorder::unlocked().lock(gpu);
  auto b = g.lock(barrier);  // i915 calling rcu_barrier() under a gpu lock
#else
  auto b = lockorder::unlocked().lock(barrier);
  auto g = b.lock(gpu);
#endif
}
