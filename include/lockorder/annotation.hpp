// lockorder/annotation.hpp — pseudo-locks: classes with no lock behind them that code
// acquires around a region, or acquires and releases at once to say "this may happen
// here" (lockdep's lockdep_map, lock_map_acquire, might_lock).
//
// They take part in ordering like locks, at compile time (through contexts) and at run
// time. The seeds' patterns: "may allocate" (fs_reclaim: an allocation may enter reclaim,
// which takes what reclaim takes), "may fault" (might_fault: a shared acquisition of the
// address-space lock), "notifier section" (mmu_notifier_invalidate_range_start: held
// around callbacks). Example: examples/110-seed-001-nouveau-svmm.cpp.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>
#include <lockorder/thread_safety.hpp>

#include <source_location>

namespace lockorder {

/// The lock under an annotation: nothing. Acquiring it never blocks.
struct no_lock {
  void lock() noexcept {}
  bool try_lock() noexcept { return true; }
  void unlock() noexcept {}
  void lock_shared() noexcept {}
  bool try_lock_shared() noexcept { return true; }
  void unlock_shared() noexcept {}
};
/// Two "readers" of an annotation never wait for each other.
template <>
inline constexpr bool reader_recursive_v<no_lock> = true;

}  // namespace lockorder

LOCKORDER_NAMESPACE_BEGIN

/// A pseudo-lock of class C. Lock it (exclusive or shared) around a region with any of
/// the usual means (contexts, std::lock_guard, std::shared_lock), or call might_lock() /
/// might_lock_shared() where the region may happen. Costs nothing with the runtime off.
template <lock_class C>
class annotation : public shared_mutex<C, no_lock> {
 public:
  using shared_mutex<C, no_lock>::shared_mutex;
};

/// "May allocate": call where memory may be allocated with reclaim allowed. `reclaim` is
/// the program's fs_reclaim annotation; reclaim paths (shrinkers, notifiers) hold it.
/// Through a context, ctx.might_lock(reclaim) checks the same at compile time.
template <class A>
void might_alloc(A& reclaim, std::source_location site = std::source_location::current()) {
#if LOCKORDER_RUNTIME
  reclaim.might_lock(site);
#else
  (void)reclaim, (void)site;
#endif
}

/// "May fault": call where user memory is touched: a fault takes the address-space lock
/// `mm` for reading (the kernel's might_fault()). ctx.might_lock_shared(mm) at compile time.
template <class L>
void might_fault(L& mm, std::source_location site = std::source_location::current()) {
#if LOCKORDER_RUNTIME
  mm.might_lock_shared(site);
#else
  (void)mm, (void)site;
#endif
}

/// "Notifier section": holds annotation `a` (exclusively) while callbacks run, like
/// mmu_notifier_invalidate_range_start(); locks the callbacks take are ordered after it.
/// A scoped capability holding `a` for -Wthread-safety.
template <class A>
class LOCKORDER_SCOPED_CAPABILITY notifier_section {
 public:
  explicit notifier_section(A& a, std::source_location site = std::source_location::current())
      LOCKORDER_ACQUIRE(a) LOCKORDER_NO_THREAD_SAFETY_ANALYSIS : a_(a) {
#if LOCKORDER_RUNTIME
    a_.lock(site);
#else
    (void)site;
    a_.lock();
#endif
  }
  ~notifier_section() LOCKORDER_RELEASE() LOCKORDER_NO_THREAD_SAFETY_ANALYSIS { a_.unlock(); }
  notifier_section(const notifier_section&) = delete;
  notifier_section& operator=(const notifier_section&) = delete;

 private:
  A& a_;
};

LOCKORDER_NAMESPACE_END
