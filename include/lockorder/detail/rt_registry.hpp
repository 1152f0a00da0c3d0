// lockorder/detail/rt_registry.hpp — the validator's cold half, part 1: its tables'
// allocation and lock (their layout: rt_tables.hpp), the class registry, and report
// building.
// Internal: not a stable interface. Compiled once per program when
// LOCKORDER_SEPARATE_VALIDATOR=1 (src/validator.cpp), inline otherwise (validator.hpp).
#pragma once

#include <lockorder/detail/graph.hpp>
#include <lockorder/detail/graph_json.hpp>
#include <lockorder/detail/rt_hot.hpp>
#include <lockorder/detail/rt_sites.hpp>
#include <lockorder/detail/rt_tables.hpp>
#include <lockorder/report.hpp>

#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// ---- basics -----------------------------------------------------------------------------

/// Edge `index`'s frames: `to`'s stack (frames_per_edge), then `from`'s (held_frames).
inline void* const* edge_frames(const validator_state& v, std::uint32_t index) noexcept {
  return v.frames + std::size_t{index} * frames_per_slot;
}
inline void* const* edge_from_frames(const validator_state& v, std::uint32_t index) noexcept {
  return edge_frames(v, index) + frames_per_edge;
}

LOCKORDER_COLD void export_at_exit() noexcept;

// Every thread that took a lock, linked through its thread_state (under big_lock).
inline constinit thread_state* thread_list = nullptr;

LOCKORDER_COLD validator_state* state() noexcept {
  static validator_state* const s = []() -> validator_state* {
#define LOCKORDER_CONFIG_STR_(x) #x
#define LOCKORDER_CONFIG_STR(x) LOCKORDER_CONFIG_STR_(x)
    static constexpr const char* mine = LOCKORDER_CONFIG_STR(LOCKORDER_TABLES);
#undef LOCKORDER_CONFIG_STR
#undef LOCKORDER_CONFIG_STR_
    const char* first = nullptr;
    if (!configuration_in_use.compare_exchange_strong(first, mine) && std::strcmp(first, mine)) {
      learning.store(false);
      std::fprintf(stderr,
                   "lockorder: this program mixes validator configurations: %s, then %s "
                   "(translation units built with different LOCKORDER_MAX_* or "
                   "LOCKORDER_STACKTRACE); the second is off. Build every unit with the "
                   "same values (docs/configuration.md).\n",
                   first, mine);
      return nullptr;
    }
    // Never freed: it must outlive every thread and static destructor that may still
    // release a lock. calloc gives zeroed pages that stay untouched until used.
    void* mem = std::calloc(1, sizeof(validator_state));
    if (!mem) {
      learning.store(false);
      std::fputs("lockorder: cannot allocate the validator's tables; run-time checks are off\n",
                 stderr);
      return nullptr;
    }
    // fork(): the child has one thread; a lock held by another thread must not stay held.
    // The child's only thread is this one: the others' states are gone from its list.
    pthread_atfork([] { big_lock.lock(); }, [] { big_lock.unlock(); }, [] {
      thread_state& self = tls;
      thread_list = self.tid ? &self : nullptr;
      self.next_thread = self.prev_thread = nullptr;
      big_lock.held.store(false);
    });
    export_at_exit();
    // validator_state is an aggregate of implicit-lifetime types: calloc's zeroed
    // memory holds one already (C++20 implicit object creation), untouched until used.
    return static_cast<validator_state*>(mem);
  }();
  return s;
}

// big_lock, taken by thread t. While t holds it, t is busy (nothing it takes is validated)
// and in_tables: a signal handler that interrupts t and takes a lock is recorded but
// never waits for big_lock, which its own thread holds (that would spin forever).
class tables_lock {
 public:
  explicit tables_lock(thread_state& t) noexcept : t_(t) {
    ++t_.busy;
    ++t_.in_tables;
    big_lock.lock();
  }
  ~tables_lock() {
    big_lock.unlock();
    --t_.in_tables;
    --t_.busy;
  }
  tables_lock(const tables_lock&) = delete;
  tables_lock& operator=(const tables_lock&) = delete;

 private:
  thread_state& t_;
};


struct exit_hook {
  ~exit_hook();
};



// This thread's stack, for walk_callers(): top 1 (no walk) when unknown.
LOCKORDER_COLD void find_stack_top(thread_state& t) noexcept {
  t.stack_low = 0;
  t.stack_top = 1;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* low = nullptr;
  std::size_t size = 0;
  if (pthread_attr_getstack(&attr, &low, &size) == 0) {
    t.stack_low = reinterpret_cast<std::uintptr_t>(low);
    t.stack_top = t.stack_low + size;
  }
  pthread_attr_destroy(&attr);
}

LOCKORDER_COLD void first_acquisition(thread_state& t) noexcept {
  destroy_report.store(&destroyed_while_held, std::memory_order_release);
  t.tid = next_tid.fetch_add(1, std::memory_order_relaxed) + 1;
  t.gate = LOCKORDER_MAX_HELD;
  if (validator_state* v = state()) {
    char name[16] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0 || !name[0])
      std::snprintf(name, sizeof name, "thread");
    tables_lock lock(t);
    std::memcpy(v->thread_names[t.tid % max_threads_named], name, sizeof name);
    t.next_thread = thread_list;
    if (thread_list) thread_list->prev_thread = &t;
    thread_list = &t;
  }
  static thread_local exit_hook hook;  // reports locks still held when the thread ends
  (void)hook;
}

LOCKORDER_COLD std::string thread_label(const validator_state& v, std::uint32_t tid) {
  char name[17] = {};
  std::memcpy(name, v.thread_names[tid % max_threads_named], 16);
  return std::string(name[0] ? name : "thread") + "/" + std::to_string(tid);
}

// Under big_lock. True the first time (kind, a, b) is seen: report it then only. For the
// kinds about classes, a and b (recursive_lock: a) are class ids, kept with the key.
LOCKORDER_COLD bool first_report(validator_state& v, report_kind kind, std::uint64_t a,
                         std::uint64_t b) noexcept {
  std::uint64_t key = (std::uint64_t(kind) << 58) ^ (a << 29) ^ b ^ 0x5bd1e995ULL;
  key = chain_mix(key, 0, 0);
  const std::size_t i =
      v.reported.probe(key, [&](const reported_pair& p) { return p.key == key; });
  if (i == v.reported.npos || !v.reported.empty_at(i)) return i == v.reported.npos;
  if (v.reported_n + 1 >= reported_size) return true;  // full: can only repeat, never lose
  const bool pair = kind == report_kind::circular_dependency ||
                    kind == report_kind::order_violation;
  const bool one = kind == report_kind::recursive_lock;
  v.reported.slots[i] = {key, pair || one ? static_cast<std::uint32_t>(a) : 0u,
                         pair ? static_cast<std::uint32_t>(b) : 0u};
  ++v.reported_n;
  return true;
}

LOCKORDER_COLD std::size_t named_slot(const validator_state& v, const void* instance) noexcept {
  return v.named.probe(
      (reinterpret_cast<std::uintptr_t>(instance) >> 3) * 0x9e3779b97f4a7c15ULL >> 52,
      [&](const named_instance& s) { return s.instance == instance; });
}

LOCKORDER_COLD void snapshot(lock_graph& out) {
  validator_state* v = state();
  if (!v) return;
  thread_state& t = tls;
  if (t.in_tables) return;  // a signal handler, interrupting this thread's validator
  out.runs.push_back("pid " + std::to_string(static_cast<long>(getpid())));
  const std::size_t first_edge = out.edges.size();
  {
    tables_lock lock(t);
    for (std::uint32_t id = 1; id <= v->classes; ++id) {
      const class_entry& c = v->cls[id];
      if (!c.dead && c.name[0]) out.classes.push_back({c.name, c.ranked, c.level, c.completion});
    }
    for (std::uint32_t i = 0; i < v->graph.edge_count(); ++i) {
      const auto& e = v->graph.edge_at(i);
      if (!e.kinds) continue;  // a free slot
      const edge_site& s = v->sites[i];
      graph_edge g;
      g.from = v->cls[e.from].name;
      g.to = v->cls[e.to].name;
      g.kinds = e.kinds;
      g.declared = s.why != nullptr;
      if (s.why) g.rationale = s.why;
      g.first_seen = make_site(s.loc, s.pc, s.ret, edge_frames(*v, i), s.frames_n);
      g.thread = s.tid ? thread_label(*v, s.tid) : std::string();
      g.run = out.runs.back();
      g.chains = s.chains ? s.chains : 1;
      out.edges.push_back(std::move(g));
    }
    for (std::uint32_t i = 0; i < v->rejected_n; ++i) {
      const auto& rj = v->rejected[i];
      graph_edge g;
      g.from = v->cls[rj.from].name;
      g.to = v->cls[rj.to].name;
      g.kinds = rj.kinds;
      g.reported = true;
      g.first_seen = make_site(rj.site.loc, rj.site.pc, rj.site.ret);
      g.thread = thread_label(*v, rj.site.tid);
      g.run = out.runs.back();
      out.edges.push_back(std::move(g));
    }
  }
  for (std::size_t i = first_edge; i < out.edges.size(); ++i) resolve_site(out.edges[i].first_seen);
}

// LOCKORDER_OPTIONS=export=path: the graph as JSON when the program exits (%p becomes the
// process id). Read when the tables are first used, so it works whatever the program
// includes (export.hpp only adds the offline tools).
LOCKORDER_COLD void export_at_exit() noexcept {
  static char path[4096];  // no destructor: the handler runs among static destructors
  for_each_option([](std::string_view key, std::string_view value) {
    if (key != "export") return;
    std::string p(value);
    if (auto at = p.find("%p"); at != std::string::npos)
      p.replace(at, 2, std::to_string(static_cast<long>(getpid())));
    if (p.size() >= sizeof path) {
      std::fprintf(stderr, "lockorder: LOCKORDER_OPTIONS: export path too long (%zu bytes)\n",
                   p.size());
      return;
    }
    std::memcpy(path, p.c_str(), p.size() + 1);
  });
  if (!path[0]) return;
  std::atexit([] {
    lock_graph g;
    snapshot(g);
    write_graph_file(path, graph_to_json(g));
  });
}

LOCKORDER_COLD void name_instance(const void* instance, std::string_view name) noexcept {
  validator_state* v = state();
  thread_state& t = tls;
  if (!v || !instance || t.in_tables) return;
  tables_lock lock(t);
  const std::size_t i = named_slot(*v, instance);
  if (i != v->named.npos) {  // full: the lock simply stays unnamed
    named_instance& slot = v->named.slots[i];
    slot.instance = instance;  // a named slot is never freed: probing stays correct
    std::snprintf(slot.name, sizeof slot.name, "%.*s", static_cast<int>(name.size()),
                  name.data());
  }
}

LOCKORDER_COLD lock_info make_lock_info(const validator_state& v, std::uint32_t cls, unsigned mode,
                                const void* instance, site where) {
  lock_info l;
  const class_entry& c = v.cls[cls];
  l.class_name = c.completion ? std::string("(completion)") + c.name : std::string(c.name);
  l.ranked = c.ranked;
  l.level = c.level;
  l.subclass = c.subclass;
  l.mode = (mode & mode_kind_mask) == mode_exclusive ? lock_mode::exclusive
           : (mode & mode_kind_mask) == mode_read    ? lock_mode::shared
                                                     : lock_mode::recursive_read;
  l.is_try = (mode & (mode_try | mode_section)) == mode_try;
  l.is_completion = c.completion;
  l.op = mode & mode_wait       ? lock_op::wait
         : mode & mode_complete ? lock_op::complete
         : mode & mode_section  ? lock_op::section
                                : lock_op::acquire;
  l.instance = instance;
  if (instance) {
    const std::size_t i = named_slot(v, instance);
    if (i != v.named.npos && v.named.slots[i].instance == instance)
      l.instance_name = v.named.slots[i].name;
  }
  l.acquired_at = std::move(where);
  return l;
}

LOCKORDER_COLD lock_info held_info(const validator_state& v, const held_entry& h) {
  return make_lock_info(v, h.cls, h.mode, h.instance,
                        make_site(h.loc, h.pc, h.ret, h.frames, h.frame_count()));
}

// `held`: how many of the thread's entries are held (those below the one being validated).
LOCKORDER_COLD report base_report(const validator_state& v, const thread_state& t, report_kind kind,
                          std::uint32_t held) {
  report r;
  r.kind = kind;
  r.thread = thread_label(v, t.tid);
  for (std::uint32_t i = 0; i < held; ++i) r.held.push_back(held_info(v, t.held[i]));
  return r;
}

// ---- the class registry -----------------------------------------------------------------

// rt_reclaim.hpp:
LOCKORDER_COLD std::uint32_t reuse_class_slot(validator_state& v) noexcept;
LOCKORDER_COLD bool flush_chain_set(validator_state& v) noexcept;

// Under big_lock. 0 when the table is full (said once by the caller's limit report).
// A new id, else one a reclaimed own class left (rt_reclaim.hpp).
LOCKORDER_COLD std::uint32_t add_class_locked(validator_state& v, std::string_view name, level_t level,
                                      bool ranked, std::uint32_t base, std::uint32_t subclass,
                                      std::uint32_t family = 0) {
  std::uint32_t id = 0;
  if (v.free_slots) {
    id = reuse_class_slot(v);
  } else if (v.classes + 2 < LOCKORDER_MAX_CLASSES) {  // 0 and unrecorded_class: reserved
    if (v.graph.add_node()) {
      id = ++v.classes;
      v.cls[id].id = id;
    }
  }
  if (!id) {
    std::snprintf(v.cls[unrecorded_class].name, sizeof v.cls[unrecorded_class].name,
                  "(not recorded: class table full)");
    return 0;
  }
  class_entry& c = v.cls[id];
  std::snprintf(c.name, sizeof c.name, "%.*s", static_cast<int>(name.size()), name.data());
  c.level = level;
  c.ranked = ranked;
  c.base = base ? base : id;
  c.family = family ? family : base ? v.cls[base].family : id;
  c.subclass = subclass;
  return id;
}

LOCKORDER_COLD void say_limit(validator_state& v, full_table table, std::vector<report>& out,
                              std::string_view lost = {}, std::string_view lost_to = {}) noexcept;
LOCKORDER_COLD void deliver_all(std::vector<report>& reports, bool may_throw);

LOCKORDER_COLD std::uint32_t register_class(std::string_view name, bool numbered, level_t level,
                                    bool ranked, std::atomic<std::uint32_t>* publish,
                                    std::uint32_t family, const void* owner = nullptr) noexcept {
  validator_state* v = state();
  thread_state& t = tls;
  if (!v || t.in_tables) return 0;  // a signal handler: class 0 now, registered next time
  std::vector<report> reports;
  std::uint32_t id = 0;
  {
    tables_lock lock(t);
    if (publish) id = publish->load(std::memory_order_relaxed);
    if (!id) {
      char buf[64];
      if (numbered) {
        std::snprintf(buf, sizeof buf, "%.*s#%llu", static_cast<int>(name.size()), name.data(),
                      static_cast<unsigned long long>(++v->numbered));
        name = buf;
      }
      id = add_class_locked(*v, name, level, ranked, 0, 0, family);
      if (!id) say_limit(*v, full_table::classes, reports, name);
      if (publish && id) {
        v->cls[id].publish = publish;
        publish->store(id, std::memory_order_release);
      }
      if (id) v->cls[id].owner = owner;
    }
  }
  deliver_all(reports, false);
  return id;
}

LOCKORDER_COLD std::uint32_t register_static_class(std::atomic<std::uint32_t>& id, std::string_view name,
                                           level_t level, bool ranked) noexcept {
  return register_class(name, false, level, ranked, &id, 0);
}

LOCKORDER_COLD std::uint32_t register_own_class(std::uint32_t family, std::string_view name,
                                        bool numbered, level_t level, bool ranked,
                                        const void* owner) noexcept {
  return register_class(name, numbered, level, ranked, nullptr, family, owner);
}

// A declared order (after<>) as an edge of the graph, with its reason and the class
// definition as its site. Registered before any lock of `after` is taken, so it can
// only close a cycle of declarations, which contexts reject at compile time.
LOCKORDER_COLD void declare_order(std::uint32_t before, std::uint32_t after, std::string_view why,
                          const std::source_location& where) noexcept {
  validator_state* v = state();
  thread_state& t = tls;
  if (!v || !before || !after || before == after || t.in_tables) return;
  tables_lock lock(t);
  std::size_t path_len = 0;
  std::uint32_t index = 0;
  using res_t = decltype(v->graph)::result;
  if (v->graph.add_edge(class_index(before), class_index(after), edge_nn, v->path, path_len, index) == res_t::added) {
    edge_site& s = v->sites[index];
    s = {};  // the slot may have been a reclaimed class's edge
    s.loc = where;
    s.from_loc = where;
    s.how = lock_op::acquire;
    s.why = why.data();  // a template parameter object's: static storage, NUL-terminated
  }
}

// The static classes this thread is registering, innermost first: a declared cycle
// leads back to one of them only when its id could not be published (a full table, a
// signal handler inside the tables), and must end there instead of recursing forever.
struct registering_frame {
  const class_desc* node;
  const registering_frame* next;
};
inline constinit thread_local const registering_frame* registering = nullptr;

[[gnu::noinline]] LOCKORDER_COLD std::uint32_t register_static(const class_desc& n) noexcept {
  for (const registering_frame* f = registering; f; f = f->next)
    if (f->node == &n) return 0;
  const registering_frame self{&n, registering};
  registering = &self;
  const std::uint32_t id = register_static_class(*n.id, n.name(), n.level, n.ranked);
  if (id)
    for (const class_pred* p = n.preds; p->cls; ++p)
      declare_order(static_class(*p->cls), id, p->why, *n.where);
  registering = self.next;
  return id;
}

LOCKORDER_COLD void make_own_class(lock_state& s, const char* name, const class_desc& n) noexcept {
  const std::uint32_t family = class_of(s, n);
  const std::uint32_t id = register_own_class(family, name ? std::string_view(name) : n.name(),
                                              !name, n.level, n.ranked, &s);
  s.own_class = id ? id : unrecorded_class;
}

LOCKORDER_COLD std::uint32_t subclass_id(validator_state& v, std::uint32_t cls, unsigned sub) {
  if (sub >= LOCKORDER_MAX_SUBCLASSES || cls == 0 || cls == unrecorded_class) return cls;
  std::atomic_ref<std::uint32_t> slot(v.cls[cls].subs[sub]);
  if (std::uint32_t id = slot.load(std::memory_order_acquire)) return id;
  thread_state& t = tls;
  if (t.in_tables) return cls;  // a signal handler: the base class this once
  tables_lock lock(t);
  std::uint32_t id = slot.load(std::memory_order_relaxed);
  if (!id) {
    char name[80];
    std::snprintf(name, sizeof name, "%s/%u", v.cls[cls].name, sub);
    id = add_class_locked(v, name, v.cls[cls].level, v.cls[cls].ranked, cls, sub);
    // Full table: not recorded (class 0, not checked), rather than checked as the base
    // class, which would make every nesting a recursive_lock.
    if (!id) id = unrecorded_class;
    slot.store(id, std::memory_order_release);
  }
  return id;
}

// ---- reports --------------------------------------------------------------------------

// A full table is said once, with what was lost first; the validator goes on checking
// everything it recorded (it never stops learning: docs/runtime.md#table-sizes).
// `lost`, `lost_to`: the first class (0), or dependency (1) not recorded. Out of memory
// building the report: it is lost (said on stderr), the program goes on.
LOCKORDER_COLD void say_limit(validator_state& v, full_table table, std::vector<report>& out,
                              std::string_view lost, std::string_view lost_to) noexcept {
  if (std::exchange(v.said_full[std::size_t(table)], true)) return;
#if LOCKORDER_EXCEPTIONS
  try {
#endif
  report r;
  r.kind = report_kind::limit_reached;
  std::string first(lost);
  if (!lost_to.empty()) (first += " -> ") += lost_to;
  switch (table) {
    case full_table::classes:
      r.message = "lockorder: the LOCKORDER_MAX_CLASSES table is full: class " + first +
                  ", and every new class after it, is not recorded (its locks are not "
                  "checked); every order between recorded classes still is. Raise "
                  "LOCKORDER_MAX_CLASSES to check them.";
      break;
    case full_table::edges:
      r.message = "lockorder: the LOCKORDER_MAX_EDGES table is full: the dependency " + first +
                  ", and every new one after it, is not recorded; each acquisition is still "
                  "checked against every recorded dependency (a cycle it closes through them "
                  "is reported). Raise LOCKORDER_MAX_EDGES to record more.";
      break;
    case full_table::chains:
      r.message = "lockorder: the LOCKORDER_MAX_CHAINS cache is full: lock sequences not in "
                  "it are validated the slow way at every acquisition (under the validator's "
                  "lock); nothing is left unchecked, it is only slower. Raise "
                  "LOCKORDER_MAX_CHAINS to cache more.";
      break;
    case full_table::held:  // said by acquire_slow(), which names the thread
    case full_table::count:
      return;
  }
  out.push_back(std::move(r));
#if LOCKORDER_EXCEPTIONS
  } catch (const std::bad_alloc&) {
    static const char msg[] = "lockorder: out of memory while building a report; report lost\n";
    std::fwrite(msg, 1, sizeof msg - 1, stderr);
  }
#endif
}

// Without exceptions (LOCKORDER_EXCEPTIONS=0) nothing here throws or catches: an allocation
// failure ends the program in std::terminate (docs/runtime.md#without-exceptions).
LOCKORDER_COLD void deliver_all(std::vector<report>& reports, bool may_throw) {
  thread_state& t = tls;
  ++t.busy;  // a handler's own locking is not validated
#if LOCKORDER_EXCEPTIONS
  try {
    for (auto& r : reports) resolve_sites(r);
  } catch (...) {  // out of memory naming sites: deliver what there is
  }
#else
  for (auto& r : reports) resolve_sites(r);
#endif
#if !LOCKORDER_EXCEPTIONS
  for (auto& r : reports) detail::deliver(r, may_throw);
#else
  for (auto& r : reports) {
    bool do_throw = false;
    try {
      do_throw = detail::deliver(r, may_throw);
    } catch (const std::bad_alloc&) {
      // Rendering or handing over the report ran out of memory: say so without
      // allocating, and go on (the lock operation must not fail because of it).
      static const char msg[] = "lockorder: out of memory while delivering a report; report lost\n";
      std::fwrite(msg, 1, sizeof msg - 1, stderr);
    } catch (...) {
      --t.busy;
      throw;
    }
    if (do_throw) {
      --t.busy;
      throw lock_order_error(std::move(r));
    }
  }
#endif
  --t.busy;
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
