// 110 — seed 001: nouveau svmm, fs_reclaim and the mmu notifier (Linux 5.5-rc5, 2020).
//
// A four-lock chain through two pseudo-locks: vmm->mutex is held while allocating
// (GFP_KERNEL: may enter reclaim, "fs_reclaim"); reclaim may invalidate mappings
// ("mmu_notifier_invalidate_range_start"); the invalidate callback takes svmm->mutex and
// then vmm->mutex. Pseudo-locks (annotation.hpp) take part in the order like locks.
//
// (a) Static: with levels fs_reclaim < notifier < svmm < vmm, allocating under the vmm
//     mutex (might_lock(fs_reclaim)) does not compile.
// (b) Dynamic: the three paths, one after the other, give the seed's report:
//     "Chain exists of: vmm --> fs_reclaim --> mmu_notifier --> svmm".
//
// expect-first-error: acquiring<ranked::fs_reclaim, 10>.*while_holding<ranked::vmm_mutex, 40>
#include "seed_support.hpp"

#include <shared_mutex>

// ---- (a) ------------------------------------------------------------------------------
namespace ranked {
LOCKORDER_CLASS(fs_reclaim, 10);     // reclaim runs notifiers: below everything they take
LOCKORDER_CLASS(mmu_notifier, 20);   // the invalidate callbacks run inside it
LOCKORDER_CLASS(svmm_mutex, 30);     // nouveau_svmm_invalidate_range_start()
LOCKORDER_CLASS(vmm_mutex, 40);      // taken inside the callback: no allocation under it
lockorder::annotation<fs_reclaim> reclaim;
lockorder::mutex<vmm_mutex> vmm;

void nvkm_vmm_get_locked(lockorder::holding<vmm_mutex> auto& ctx) {
#ifdef LOCKORDER_COMPILE_FAIL
  ctx.might_lock(reclaim);  // kmem_cache_alloc(GFP_KERNEL) in nvkm_vma_tail()
#else
  (void)ctx;                // GFP_NOWAIT: cannot enter reclaim
#endif
}
void nvkm_uvmm_mthd() {
  auto g = lockorder::unlocked().lock(vmm);
  nvkm_vmm_get_locked(g);
}
}  // namespace ranked

// ---- (b) ------------------------------------------------------------------------------
LOCKORDER_CLASS(fs_reclaim);
LOCKORDER_CLASS(mmu_notifier_invalidate_range_start);
LOCKORDER_CLASS(svmm_mutex);
LOCKORDER_CLASS(vmm_mutex);
LOCKORDER_CLASS(mmap_sem);
LOCKORDER_CLASS(srcu);

struct srcu_struct : std::shared_mutex {};
template <>
inline constexpr bool lockorder::reader_recursive_v<srcu_struct> = true;

lockorder::annotation<fs_reclaim> fs_reclaim_map;
lockorder::annotation<mmu_notifier_invalidate_range_start> invalidate_map;
lockorder::mutex<svmm_mutex> svmm;
lockorder::mutex<vmm_mutex> vmm;
lockorder::shared_mutex<mmap_sem, rw_semaphore> mm;
lockorder::shared_mutex<srcu, srcu_struct> notifier_srcu;

// Probe: nvkm_vmm_get_locked() allocates with the vmm mutex held.
[[gnu::noinline]] void kmem_cache_alloc() { lockorder::might_alloc(fs_reclaim_map); }
[[gnu::noinline]] void nvkm_vmm_get_locked() {
  std::lock_guard g(vmm);
  kmem_cache_alloc();
}

// __mmu_notifier_register() teaches the order reclaim -> notifier, as the kernel does.
[[gnu::noinline]] void mmu_notifier_register() {
  std::lock_guard reclaim(fs_reclaim_map);
  invalidate_map.might_lock();
}

// munmap: the notifier section, the svmm callback, and nvkm_uvmm_mthd() inside it.
[[gnu::noinline]] void nouveau_svmm_invalidate() { std::lock_guard g(vmm); }
[[gnu::noinline]] void nouveau_svmm_invalidate_range_start() {
  std::lock_guard g(svmm);
  nouveau_svmm_invalidate();
}
[[gnu::noinline]] void unmap_vmas() {
  lockorder::notifier_section section(invalidate_map);
  std::shared_lock s(notifier_srcu);
  nouveau_svmm_invalidate_range_start();
}
[[gnu::noinline]] void do_munmap() {
  std::lock_guard m(mm);  // down_write(&mm->mmap_sem)
  unmap_vmas();
}

int main() {
  ranked::nvkm_uvmm_mthd();
  seed_reports reports;
  run_as("kworker/u64:2", nvkm_vmm_get_locked);
  run_as("test-file-priva", mmu_notifier_register);
  run_as("test-file-priva", do_munmap);
  const bool ok = reports.total() == 1 && reports.all.at(0).chain.size() == 4 &&
                  reports.all.at(0).held.size() == 4;
  std::printf("110: %s\n", ok ? "one report, the seed's four-lock chain" : "unexpected reports");
  return ok ? 0 : 1;
}
