// Replaces the global allocation functions of a test program (include it in exactly one
// translation unit): every form of operator new and delete goes through malloc/free, so
// sanitizers see matching pairs. Two hooks: this thread counts its allocations while
// `counting_allocations` is set; every allocation fails (std::bad_alloc, or nullptr for
// the nothrow forms) while `failing_allocations` is set.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace test_allocator {
inline thread_local bool counting_allocations = false;
inline thread_local long allocations = 0;
inline std::atomic<bool> failing_allocations{false};
inline std::atomic<long> failed_allocations{0};

inline void* allocate(std::size_t n) noexcept {
  if (counting_allocations) ++allocations;
  if (failing_allocations.load(std::memory_order_relaxed)) {
    failed_allocations.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  return std::malloc(n ? n : 1);
}
}  // namespace test_allocator

void* operator new(std::size_t n) {
  if (void* p = test_allocator::allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = test_allocator::allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return test_allocator::allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return test_allocator::allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
