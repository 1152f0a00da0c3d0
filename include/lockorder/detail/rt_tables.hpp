// lockorder/detail/rt_tables.hpp — the validator's global tables: the classes, the
// dependency graph and its sites and stacks, the reported set, the named instances, the
// rejected dependencies (validator_state), allocated and locked by rt_registry.hpp.
// Internal: not a stable interface. Compiled like rt_registry.hpp.
#pragma once

#include <lockorder/detail/fixed_hash_set.hpp>
#include <lockorder/detail/graph.hpp>
#include <lockorder/detail/rt_hot.hpp>
#include <lockorder/report.hpp>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// ---- the global tables ----------------------------------------------------------------

struct class_entry {
  char name[64];
  level_t level;
  bool ranked;
  std::uint32_t base;      // the class this is a nesting subclass of (itself if none)
  std::uint32_t family;    // the static class an own class was made from (else base):
                           // levels order families; within one, order is learned
  bool completion;         // used as a completion: reports say "(completion)name"
  std::uint32_t subclass;
  std::uint32_t subs[LOCKORDER_MAX_SUBCLASSES];  // ids of its subclasses (atomic_ref)
  std::atomic<std::uint32_t>* publish;  // a static class's cached id (reset_validator())
  const void* owner;        // an own class: the lock or wait object it belongs to
  std::uint32_t id;         // the id in use (the slot's index and generation)
  std::uint32_t next_free;  // reclaimed: the next slot in the free list
  bool dead;                // reclaimed, not in use again yet (id: the next generation's)
};

// A class id is its slot's index in the low bits and, above them, how many classes the
// slot held before (rt_reclaim.hpp): an own class reclaimed with its lock leaves the slot
// to a new class of another id, so a chain key, a reported pair or a held entry that
// names the old class never matches the new one. Static classes are generation 0.
inline constexpr int class_index_bits = std::bit_width(unsigned(LOCKORDER_MAX_CLASSES - 1));
inline constexpr std::uint32_t class_generation = 1u << class_index_bits;
constexpr std::uint32_t class_index(std::uint32_t id) noexcept {
  return id & (class_generation - 1);
}
static_assert(class_index(unrecorded_class) == unrecorded_class);

/// The class entries, indexed by class id (of any generation: its slot).
struct class_table {
  class_entry entries[LOCKORDER_MAX_CLASSES];
  class_entry& operator[](std::uint32_t id) noexcept { return entries[class_index(id)]; }
  const class_entry& operator[](std::uint32_t id) const noexcept {
    return entries[class_index(id)];
  }
};

// The tables whose filling is said once (limit_reached).
enum class full_table { classes, edges, chains, held, count };

struct edge_site {
  std::source_location loc;       // acquisition of `to`
  std::source_location from_loc;  // acquisition of `from`, in the same thread
  void *pc, *ret;
  void *from_pc, *from_ret;
  std::uint32_t frames_n, from_frames_n;  // `to`'s and `from`'s stacks: edge_frames()
  std::uint32_t tid;
  lock_op how;  // complete: `from` is a completion signalled at `loc` while `to` was held
  const char* why;  // declared with after<>: its rationale (static storage); loc: the class
  std::uint32_t chains;  // validated held-class sequences that contained this dependency
  bool through_reclaimed;  // kept from a path A -> X -> B when X was reclaimed (A -> B)
};

inline constexpr std::size_t frames_per_edge = LOCKORDER_STACKTRACE ? LOCKORDER_STACK_DEPTH : 6;
// Every edge's two stacks (`to` and `from`), at a place of its own (edge_frames()): an
// edge slot freed by a reclaimed class and used again gets its room back. Zeroed
// virtual memory: only the pages edges use are ever touched.
inline constexpr std::size_t frames_per_slot = frames_per_edge + held_frames;
inline constexpr std::size_t frame_pool_size = std::size_t{LOCKORDER_MAX_EDGES} * frames_per_slot;
inline constexpr std::size_t max_threads_named = 1024;
inline constexpr std::size_t reported_size = 8192;  // (kind, class, class) already reported
inline constexpr std::size_t named_size = 4096;     // lock instances given a display name

struct reported_pair {
  std::uint64_t key;
  std::uint32_t a, b;
  bool operator==(const reported_pair&) const = default;
};
// A lock instance's display name (name_instance()), by its address.
struct named_instance {
  const void* instance;
  char name[instance_name_size];
};
struct named_slots : plain_slots<named_instance> {
  static bool empty(const named_instance& s) noexcept { return s.instance == nullptr; }
};

// All of it is trivially constructible and lives in zeroed memory (calloc): its pages
// are touched only as the tables fill.
struct validator_state {
  std::uint32_t classes;  // slots used, 1..classes
  class_table cls;
  dep_graph<LOCKORDER_MAX_CLASSES, LOCKORDER_MAX_EDGES> graph;
  edge_site sites[LOCKORDER_MAX_EDGES];
  void* frames[frame_pool_size];
  char thread_names[max_threads_named][16];
  // (kind, class, class) already reported, with the classes it names (0: none), so that
  // a reclaimed class's pairs can be dropped (rt_reclaim.hpp). Keyed by key's low bits.
  fixed_hash_set<reported_pair, reported_size> reported;
  std::uint32_t reported_n;
  // Reclaimed own classes (rt_reclaim.hpp): the free slots' list, counters.
  std::uint32_t free_slots;  // list head (a slot index), 0 = none
  std::uint64_t reclaimed, reclaimed_since_flush, flushes;
  std::uint64_t numbered;  // own classes named name#N so far
  bool said_full[std::size_t(full_table::count)];  // limit_reached already said
  std::uint64_t edges_lost;            // new dependencies the full edge table did not take
  std::uint64_t uncached_validations;  // validations of chains the full cache did not take
  fixed_hash_set<named_instance, named_size, named_slots> named;  // never erased
  std::uint32_t path[2 * LOCKORDER_MAX_CLASSES];
  // Dependencies reported and not learned (they close a cycle or break an order): kept
  // for export, so the graph as an artifact shows the violation too.
  struct rejected_edge {
    std::uint32_t from, to;
    std::uint8_t kinds;
    edge_site site;
  } rejected[1024];
  std::uint32_t rejected_n;
};

static_assert(std::is_aggregate_v<validator_state> &&
              std::is_trivially_destructible_v<validator_state>);

// ---- the chain set ---------------------------------------------------------------------

// Every chain key validated so far: a thread whose cache misses looks here (check_chain,
// rt_validation.hpp) before it takes the validator's lock; only the cold half uses it.
// Plain words read and written through std::atomic_ref (atomic_slots, chain_slot()): an
// array of std::atomic would be constant-evaluated element by element wherever the cold
// half is compiled (clang 16: about 0.3 s at the default size).
alignas(std::atomic_ref<std::uint64_t>::required_alignment) inline constinit
    fixed_hash_set<std::uint64_t, LOCKORDER_MAX_CHAINS, atomic_slots> chain_set{};
inline std::atomic_ref<std::uint64_t> chain_slot(std::size_t i) noexcept {
  return std::atomic_ref<std::uint64_t>(chain_set.slots[i]);
}
inline constinit std::atomic<std::uint32_t> chain_count{0};

// Linear probing, at most 3/4 full: 64 probes make a spurious "full" vanishingly rare.
inline constexpr std::size_t chain_probes = 64;

// A chain key stands for a sequence of classes, not of locks. When the newest class was
// held already (lock_all() members of one class, a lock taken twice), the sequence is
// stored with bit 0 clear (keys otherwise have it set): known, but the instances need a
// look, since the same lock twice is an AA that the classes alone cannot tell.
inline std::uint64_t instance_check_key(std::uint64_t key) noexcept {
  return key & ~std::uint64_t{1};
}

enum class chain_state { unknown, known, check_instances };

inline chain_state chain_known(thread_state& t, std::uint64_t key) noexcept {
  const std::uint64_t marked = instance_check_key(key);
  std::uint64_t& slot = t.cache[cache_index(key)];
  if (slot == marked) return chain_state::check_instances;
  std::uint64_t seen = 0;
  chain_set.probe(
      chain_index(key),
      [&](std::uint64_t k) {
        if (k != key && k != marked) return false;
        seen = k;
        return true;
      },
      chain_probes);
  if (seen == 0) return chain_state::unknown;
  slot = seen;
  return seen == key ? chain_state::known : chain_state::check_instances;
}

// Under big_lock. False when the table is full.
inline bool chain_insert(std::uint64_t key) noexcept {
  if (chain_count.load(std::memory_order_relaxed) >= LOCKORDER_MAX_CHAINS / 4 * 3) return false;
  const std::size_t i =
      chain_set.probe(chain_index(key), [&](std::uint64_t k) { return k == key; }, chain_probes);
  if (i == chain_set.npos) return false;
  if (chain_set.empty_at(i)) {
    chain_slot(i).store(key, std::memory_order_release);
    chain_count.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
