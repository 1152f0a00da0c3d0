// 150 — seed 000 across files: the i915 gvt / mmap_sem order checked at compile time
// through ordinary functions defined in other .cpp files, a virtual method and a
// std::function callback. No templates: each function states its context in its
// signature (context_at<C>: C held and innermost; context_before<C>: C may be taken).
//
//   gvt.cpp  intel_vgpu_create_workload(): the caller (main)
//   gem.cpp  copy_gma_to_hva(), i915_gem_fault(): struct_mutex, the GPU fault path
//   kvm.cpp  kvm_read_guest(), guest memory as a virtual class: may fault (mmap_sem)
//
// Each of gvt.cpp and gem.cpp has a LOCKORDER_COMPILE_FAIL half: a caller that breaks
// a callee's parameter, and a callee body that breaks its own.
#pragma once

#include <lockorder/lockorder.hpp>

#include <functional>

LOCKORDER_CLASS(gvt_lock, 10);
LOCKORDER_CLASS(mmap_sem, 20);      // the fault handler takes struct_mutex inside it
LOCKORDER_CLASS(struct_mutex, 30);

extern lockorder::mutex<gvt_lock> gvt;
extern lockorder::shared_mutex<mmap_sem> mm_mmap_sem;
extern lockorder::mutex<struct_mutex> dev_struct_mutex;

/// gem.cpp. Must be called with struct_mutex held, as the innermost lock.
void copy_gma_to_hva(lockorder::context_at<struct_mutex> ctx);
/// gem.cpp. The GPU page-fault handler: called with mmap_sem held for reading.
void i915_gem_fault(lockorder::context_at<lockorder::shared<mmap_sem>> ctx);

/// kvm.cpp. Reading guest memory may fault: it takes mmap_sem, so it must be called
/// where mmap_sem may be taken.
void kvm_read_guest(lockorder::context_before<mmap_sem> ctx);

/// kvm.cpp. Guest memory behind a virtual interface: the context crosses it as a value.
struct guest_memory {
  virtual ~guest_memory() = default;
  virtual int read(lockorder::context_before<mmap_sem> ctx) = 0;
};
guest_memory& kvm_memory();

/// A fault callback, registered by gem.cpp and called by kvm.cpp with mmap_sem held.
using fault_handler = std::function<void(lockorder::context_at<lockorder::shared<mmap_sem>>)>;
extern fault_handler on_fault;

extern int pages_read, copies, faults;
