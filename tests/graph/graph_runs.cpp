// Two "test processes" of one CI job: each exports its graph (LOCKORDER_OPTIONS=export=),
// and neither sees a cycle alone. `forward` walks seed 003's chain; `backward` takes the
// gpu lock then calls rcu_barrier(). cmake/graph_test.cmake merges them.
#include <lockorder/lockorder.hpp>

#include <cstring>
#include <mutex>

LOCKORDER_CLASS(barrier_mutex);
LOCKORDER_CLASS(cpu_hotplug_lock);
LOCKORDER_CLASS(pmus_lock);
LOCKORDER_CLASS(cpuctx_mutex);
LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(gpu_lock);

lockorder::mutex<barrier_mutex> barrier;
lockorder::mutex<cpu_hotplug_lock> hotplug;
lockorder::mutex<pmus_lock> pmus;
lockorder::mutex<cpuctx_mutex> cpuctx;
lockorder::mutex<mmap_sem> mm;
lockorder::mutex<gpu_lock> gpu;

template <class A, class B>
void pair(A& a, B& b) {
  std::lock_guard x(a);
  std::lock_guard y(b);
}

int main(int argc, char** argv) {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report&) { ++reports; });
  if (argc > 1 && std::strcmp(argv[1], "forward") == 0) {
    pair(barrier, hotplug);
    pair(hotplug, pmus);
    pair(pmus, cpuctx);
    pair(cpuctx, mm);
    pair(mm, gpu);
  } else {
    pair(gpu, barrier);
  }
  return reports;  // neither run alone sees a cycle
}
