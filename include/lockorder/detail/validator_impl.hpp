// lockorder/detail/validator_impl.hpp — bodies of the run-time validator's hooks.
// Internal: not a stable interface. Included by validator.hpp only.
#pragma once

#include <lockorder/detail/validator.hpp>

#include <bit>
#include <cstdlib>

#include <unistd.h>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// ---- basics -----------------------------------------------------------------------------

inline validator_state* state() noexcept {
  static validator_state* const s = []() -> validator_state* {
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
    pthread_atfork([] { big_lock.lock(); }, [] { big_lock.unlock(); },
                   [] { big_lock.held.store(false); });
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

inline constexpr std::uint64_t chain_seed = 0x6c6f636b6f726465ULL;

// Chain key of a sequence extended by one entry. One multiply: the tables index with
// the product's high bits, which depend on every bit of the input. Never 0 (= empty).
inline std::uint64_t chain_mix(std::uint64_t h, std::uint32_t cls, unsigned mode) noexcept {
  return ((h ^ ((std::uint64_t{cls} << 8) | (mode & 0xff))) * 0x9e3779b97f4a7c15ULL) | 1;
}
inline constexpr int chain_bits = std::countr_zero(unsigned(LOCKORDER_MAX_CHAINS));
inline constexpr int cache_bits = std::countr_zero(thread_cache_size);
inline std::size_t cache_index(std::uint64_t key) noexcept { return key >> (64 - cache_bits); }
inline std::size_t chain_index(std::uint64_t key) noexcept { return key >> (64 - chain_bits); }

// Chain key of held[0..d) extended by (cls, mode).
inline std::uint64_t key_at(const thread_state& t, std::uint32_t d, std::uint32_t cls,
                            unsigned mode) noexcept {
  return chain_mix(d ? t.held[d - 1].key : chain_seed, cls, mode);
}

// Linear probing, at most 3/4 full: 64 probes make a spurious "full" vanishingly rare.
inline constexpr int chain_probes = 64;

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
  std::size_t i = chain_index(key);
  for (int probe = 0; probe < chain_probes; ++probe, i = (i + 1) & (LOCKORDER_MAX_CHAINS - 1)) {
    const std::uint64_t k = chain_slot(i).load(std::memory_order_acquire);
    if (k == key || k == marked) {
      slot = k;
      return k == key ? chain_state::known : chain_state::check_instances;
    }
    if (k == 0) return chain_state::unknown;
  }
  return chain_state::unknown;
}

// Under big_lock. False when the table is full.
inline bool chain_insert(std::uint64_t key) noexcept {
  if (chain_count.load(std::memory_order_relaxed) >= LOCKORDER_MAX_CHAINS / 4 * 3) return false;
  std::size_t i = chain_index(key);
  for (int probe = 0; probe < chain_probes; ++probe, i = (i + 1) & (LOCKORDER_MAX_CHAINS - 1)) {
    std::uint64_t k = chain_slot(i).load(std::memory_order_relaxed);
    if (k == key) return true;
    if (k == 0) {
      chain_slot(i).store(key, std::memory_order_release);
      chain_count.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

struct exit_hook {
  ~exit_hook();
};

// A lock destroyed while held: remove its record, report it. destroy() reaches it
// through destroy_report, which every thread's first acquisition sets (a lock is held
// only after one), so that a translation unit whose locks are defined and never taken
// does not emit the validator's reporting code for their destructors (compile time).
void destroyed_while_held(lock_state& s, const void* instance, class_getter cls,
                          std::uint32_t owner, std::uint32_t readers) noexcept;
using destroy_report_fn = void (*)(lock_state&, const void*, class_getter, std::uint32_t,
                                   std::uint32_t) noexcept;
inline constinit std::atomic<destroy_report_fn> destroy_report{nullptr};

inline void first_acquisition(thread_state& t) noexcept {
  destroy_report.store(&destroyed_while_held, std::memory_order_release);
  t.tid = next_tid.fetch_add(1, std::memory_order_relaxed) + 1;
  t.gate = LOCKORDER_MAX_HELD;
  if (validator_state* v = state()) {
    char name[16] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0 || !name[0])
      std::snprintf(name, sizeof name, "thread");
    tables_lock lock(t);
    std::memcpy(v->thread_names[t.tid % max_threads_named], name, sizeof name);
  }
  static thread_local exit_hook hook;  // reports locks still held when the thread ends
  (void)hook;
}

inline std::string thread_label(const validator_state& v, std::uint32_t tid) {
  char name[17] = {};
  std::memcpy(name, v.thread_names[tid % max_threads_named], 16);
  return std::string(name[0] ? name : "thread") + "/" + std::to_string(tid);
}

// Under big_lock. True the first time (kind, a, b) is seen: report it then only.
inline bool first_report(validator_state& v, report_kind kind, std::uint64_t a,
                         std::uint64_t b) noexcept {
  std::uint64_t key = (std::uint64_t(kind) << 58) ^ (a << 29) ^ b ^ 0x5bd1e995ULL;
  key = chain_mix(key, 0, 0);
  std::size_t i = key & (reported_size - 1);
  for (std::size_t n = 0; n < reported_size; ++n, i = (i + 1) & (reported_size - 1)) {
    if (v.reported[i] == key) return false;
    if (v.reported[i] == 0) {
      if (v.reported_n + 1 >= reported_size) return true;  // full: can only repeat, never lose
      v.reported[i] = key;
      ++v.reported_n;
      return true;
    }
  }
  return true;
}

// ---- sites and symbols ------------------------------------------------------------------

inline bool internal_location(const std::source_location& loc) noexcept {
  const std::string_view file = loc.file_name(), fn = loc.function_name();
  if (file.empty() && fn.empty()) return true;
  return file.find("/lockorder/") != std::string_view::npos ||
         file.find("/c++/") != std::string_view::npos ||
         fn.starts_with("std::") || fn.find(" std::") < fn.find('(');
}

inline std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = status == 0 && d ? d : name;
  std::free(d);
  return out;
}

// "void ns::f(int) [with T = x]" -> "ns::f": the name alone, as lockdep prints it, and
// the same for both compilers' source_location::function_name().
inline std::string short_function(std::string_view f) {
  int depth = 0;
  std::size_t end = f.size(), start = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '<') ++depth;
    else if (c == '>' && depth > 0) --depth;
    else if (c == '(' && depth == 0 && i > 0 && !f.substr(0, i).ends_with("operator")) {
      end = i;
      break;
    }
  }
  f = f.substr(0, end);
  depth = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '<') ++depth;
    else if (f[i] == '>' && depth > 0) --depth;
    else if (f[i] == ' ' && depth == 0) start = i + 1;
  }
  return std::string(f.substr(start));
}

inline bool internal_symbol(std::string_view name) noexcept {
  const std::size_t paren = name.find('(');
  for (std::string_view ns : {std::string_view("std::"), std::string_view("lockorder::"),
                              std::string_view("__gnu_cxx::")}) {
    const std::size_t p = name.find(ns);
    if (p == 0) return true;
    if (p != std::string_view::npos && p < paren && name[p - 1] == ' ' &&
        name.substr(0, p).find_first_of("<(") == std::string_view::npos)
      return true;
  }
  return false;
}

inline std::string symbolize(void* addr) {
  Dl_info info{};
  if (addr && dladdr(addr, &info) && info.dli_sname) {
    char off[32];
    std::snprintf(off, sizeof off, "+0x%zx",
                  static_cast<std::size_t>(static_cast<char*>(addr) -
                                           static_cast<char*>(info.dli_saddr)));
    return short_function(demangle(info.dli_sname)) + off;
  }
  char buf[64];
  if (addr && info.dli_fname) {
    const char* base = std::strrchr(info.dli_fname, '/');
    std::snprintf(buf, sizeof buf, "%s+0x%zx", base ? base + 1 : info.dli_fname,
                  static_cast<std::size_t>(static_cast<char*>(addr) -
                                           static_cast<char*>(info.dli_fbase)));
  } else {
    std::snprintf(buf, sizeof buf, "%p", addr);
  }
  return buf;
}

// A report site: the source location when it is the user's code; otherwise the first
// frame outside std:: and lockorder:: of the recorded stack, or the return address.
inline site make_site(const std::source_location& loc, void* pc, void* ret,
                      void* const* frames = nullptr, std::size_t n = 0) {
  site s;
  const bool user_loc = !internal_location(loc);
  if (user_loc) {
    s.function = short_function(loc.function_name());
    s.file = loc.file_name();
    s.line = loc.line();
  }
  std::vector<std::string> symbols;
  for (std::size_t i = 0; i < n; ++i) symbols.push_back(symbolize(frames[i]));
  if (!user_loc) {
    for (void* a : {pc, ret}) {
      if (!a) continue;
      std::string sym = symbolize(a);
      if (!internal_symbol(sym)) {
        s.function = std::move(sym);
        break;
      }
    }
    for (std::size_t i = 0; s.function.empty() && i < symbols.size(); ++i)
      if (!internal_symbol(symbols[i])) s.function = symbols[i];
    if (s.function.empty() && (pc || ret)) s.function = symbolize(pc ? pc : ret);
  }
  if (LOCKORDER_STACKTRACE) s.stack = std::move(symbols);
  return s;
}

inline std::size_t named_slot(const validator_state& v, const void* instance) noexcept {
  std::size_t i = (reinterpret_cast<std::uintptr_t>(instance) >> 3) * 0x9e3779b97f4a7c15ULL >> 52;
  for (std::size_t n = 0; n < named_size; ++n, i = (i + 1) % named_size)
    if (v.named[i].instance == instance || v.named[i].instance == nullptr) return i;
  return named_size;
}

inline void snapshot(lock_graph& out) {
  validator_state* v = state();
  if (!v) return;
  thread_state& t = tls;
  if (t.in_tables) return;  // a signal handler, interrupting this thread's validator
  out.runs.push_back("pid " + std::to_string(static_cast<long>(getpid())));
  tables_lock lock(t);
  {
    for (std::uint32_t id = 1; id <= v->classes; ++id) {
      const class_entry& c = v->cls[id];
      out.classes.push_back({c.name, c.ranked, c.level, c.completion});
    }
    for (std::uint32_t i = 0; i < v->graph.edge_count(); ++i) {
      const auto& e = v->graph.edge_at(i);
      const edge_site& s = v->sites[i];
      graph_edge g;
      g.from = v->cls[e.from].name;
      g.to = v->cls[e.to].name;
      g.kinds = e.kinds;
      g.declared = s.why != nullptr;
      if (s.why) g.rationale = s.why;
      g.first_seen = make_site(s.loc, s.pc, s.ret, v->frames + s.frames_at, s.frames_n);
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
}

inline void name_instance(const void* instance, std::string_view name) noexcept {
  validator_state* v = state();
  thread_state& t = tls;
  if (!v || !instance || t.in_tables) return;
  tables_lock lock(t);
  const std::size_t i = named_slot(*v, instance);
  if (i < named_size) {  // full: the lock simply stays unnamed
    auto& slot = v->named[i];
    slot.instance = instance;  // a named slot is never freed: probing stays correct
    std::snprintf(slot.name, sizeof slot.name, "%.*s", static_cast<int>(name.size()),
                  name.data());
  }
}

inline lock_info make_lock_info(const validator_state& v, std::uint32_t cls, unsigned mode,
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
    if (i < named_size && v.named[i].instance == instance) l.instance_name = v.named[i].name;
  }
  l.acquired_at = std::move(where);
  return l;
}

inline lock_info held_info(const validator_state& v, const held_entry& h) {
  return make_lock_info(v, h.cls, h.mode, h.instance,
                        make_site(h.loc, h.pc, h.ret, h.frames, h.frame_count()));
}

// `held`: how many of the thread's entries are held (those below the one being validated).
inline report base_report(const validator_state& v, const thread_state& t, report_kind kind,
                          std::uint32_t held) {
  report r;
  r.kind = kind;
  r.thread = thread_label(v, t.tid);
  for (std::uint32_t i = 0; i < held; ++i) r.held.push_back(held_info(v, t.held[i]));
  return r;
}

// ---- the class registry -----------------------------------------------------------------

// Under big_lock. 0 when the table is full (said once by the caller's limit report).
inline std::uint32_t add_class_locked(validator_state& v, std::string_view name, level_t level,
                                      bool ranked, std::uint32_t base, std::uint32_t subclass,
                                      std::uint32_t family = 0) {
  if (v.classes + 1 >= LOCKORDER_MAX_CLASSES) return 0;
  const std::uint32_t node = v.graph.add_node();
  if (!node) return 0;
  const std::uint32_t id = ++v.classes;
  class_entry& c = v.cls[id];
  std::snprintf(c.name, sizeof c.name, "%.*s", static_cast<int>(name.size()), name.data());
  c.level = level;
  c.ranked = ranked;
  c.base = base ? base : id;
  c.family = family ? family : base ? v.cls[base].family : id;
  c.subclass = subclass;
  return id;
}

inline void say_limit(validator_state& v, int table, const char* what, std::vector<report>& out);
inline void deliver_all(std::vector<report>& reports, bool may_throw);

inline std::uint32_t register_class(std::string_view name, bool numbered, level_t level,
                                    bool ranked, std::atomic<std::uint32_t>* publish,
                                    std::uint32_t family) noexcept {
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
        std::snprintf(buf, sizeof buf, "%.*s#%u", static_cast<int>(name.size()), name.data(),
                      v->classes + 1);
        name = buf;
      }
      id = add_class_locked(*v, name, level, ranked, 0, 0, family);
#if LOCKORDER_EXCEPTIONS
      if (!id) try {
          say_limit(*v, 0, "LOCKORDER_MAX_CLASSES", reports);
        } catch (...) {
        }
#else
      if (!id) say_limit(*v, 0, "LOCKORDER_MAX_CLASSES", reports);
#endif
      if (publish && id) publish->store(id, std::memory_order_release);
    }
  }
  deliver_all(reports, false);
  return id;
}

inline std::uint32_t register_static_class(std::atomic<std::uint32_t>& id, std::string_view name,
                                           level_t level, bool ranked) noexcept {
  return register_class(name, false, level, ranked, &id, 0);
}

inline std::uint32_t register_own_class(std::uint32_t family, std::string_view name,
                                        bool numbered, level_t level, bool ranked) noexcept {
  return register_class(name, numbered, level, ranked, nullptr, family);
}

// A declared order (after<>) as an edge of the graph, with its reason and the class
// definition as its site. Registered before any lock of `after` is taken, so it can
// only close a cycle of declarations, which contexts reject at compile time.
inline void declare_order(std::uint32_t before, std::uint32_t after, std::string_view why,
                          const std::source_location& where) noexcept {
  validator_state* v = state();
  thread_state& t = tls;
  if (!v || !before || !after || before == after || t.in_tables) return;
  tables_lock lock(t);
  std::size_t path_len = 0;
  std::uint32_t index = 0;
  using res_t = decltype(v->graph)::result;
  if (v->graph.add_edge(before, after, edge_nn, v->path, path_len, index) == res_t::added) {
    edge_site& s = v->sites[index];
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

[[gnu::noinline]] inline std::uint32_t register_static(const class_desc& n) noexcept {
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

inline void make_own_class(lock_state& s, const char* name, const class_desc& n) noexcept {
  const std::uint32_t family = class_of(s, n);
  s.own_class = register_own_class(family, name ? std::string_view(name) : n.name(), !name,
                                   n.level, n.ranked);
}

inline std::uint32_t subclass_id(validator_state& v, std::uint32_t cls, unsigned sub) {
  if (sub >= LOCKORDER_MAX_SUBCLASSES || cls == 0) return cls;
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
    slot.store(id ? id : cls, std::memory_order_release);
    if (!id) id = cls;
  }
  return id;
}

// ---- reports --------------------------------------------------------------------------

inline void say_limit(validator_state& v, int table, const char* what, std::vector<report>& out) {
  if (v.said_full[table]) return;
  v.said_full[table] = true;
  report r;
  r.kind = report_kind::limit_reached;
  r.message = std::string("lockorder: the ") + what +
              " table is full; the validator stops learning and checking lock orders (bad "
              "unlocks, locks destroyed while held or held at thread exit, and stale "
              "contexts are still reported). Raise " + what + " to validate more.";
  if (table != 3) learning.store(false, std::memory_order_relaxed);
  else r.message = "lockorder: the stack frame pool is full; new dependencies are recorded "
                   "without stacks.";
  out.push_back(std::move(r));
}

// Without exceptions (LOCKORDER_EXCEPTIONS=0) nothing here throws or catches: an allocation
// failure ends the program in std::terminate (docs/runtime.md#without-exceptions).
inline void deliver_all(std::vector<report>& reports, bool may_throw) {
  thread_state& t = tls;
  ++t.busy;  // a handler's own locking is not validated
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

// ---- validation of a new chain ----------------------------------------------------------

inline dependency edge_dependency(const validator_state& v, std::uint32_t index) {
  const auto& e = v.graph.edge_at(index);
  const edge_site& s = v.sites[index];
  dependency d;
  const bool from_r = !(e.kinds & (edge_nn | edge_nr)), to_r = !(e.kinds & (edge_nn | edge_rn));
  d.from = make_lock_info(v, e.from, from_r ? mode_recursive_read : 0, nullptr,
                          make_site(s.from_loc, s.from_pc, s.from_ret,
                                    v.frames + s.from_frames_at, s.from_frames_n));
  d.to = make_lock_info(v, e.to, to_r ? mode_recursive_read : 0, nullptr, {});
  d.first_seen = make_site(s.loc, s.pc, s.ret, v.frames + s.frames_at, s.frames_n);
  d.to.acquired_at = d.first_seen;
  d.from_acquired_at = d.from.acquired_at;
  d.how = s.how;
  if (s.how == lock_op::complete) {  // `from` was signalled at loc; `to` had been taken
    d.from.op = lock_op::complete;
    d.to.acquired_at = d.from.acquired_at;
  } else if (s.how == lock_op::wait) {
    d.to.op = lock_op::wait;
  }
  d.thread = s.tid ? thread_label(v, s.tid) : std::string();
  if (s.why) {
    d.declared = true;
    d.rationale = s.why;
  }
  return d;
}

// The stack of the acquisition being validated, minus validate() and acquire().
struct stack_capture {
  static constexpr int skip = 3;
  void* raw[64];
  int n = -1;
  void take() {
    if (n < 0) n = backtrace(raw, 64);
  }
  void* const* frames() const { return raw + skip; }
  std::size_t size(std::size_t most) const {
    return n > skip ? std::min<std::size_t>(static_cast<std::size_t>(n - skip), most) : 0;
  }
};

// Under big_lock: copies n frames into the pool; false (and nothing kept) when full.
inline bool pool_frames(validator_state& v, void* const* frames, std::size_t n,
                        std::uint32_t& at, std::uint32_t& count) {
  if (v.frames_used + n > frame_pool_size) {
    at = count = 0;
    return false;
  }
  std::memcpy(v.frames + v.frames_used, frames, n * sizeof(void*));
  at = v.frames_used;
  count = static_cast<std::uint32_t>(n);
  v.frames_used += static_cast<std::uint32_t>(n);
  return true;
}

// Under big_lock: checks entry `e` against the thread's held entries and records edges.
// First held entry of e's lock_all() group (entries from there up share the group), or
// n (e's index) when e is not a group member.
inline std::uint32_t group_start(const thread_state& t, const held_entry& e,
                                 std::uint32_t n) noexcept {
  if (!(e.mode & mode_group_next)) return n;
  std::uint32_t group = n ? n - 1 : 0;
  while (group > 0 && (t.held[group].mode & mode_group_next)) --group;
  return group;
}

// Held entries that e may deadlock on as AA: held[i] is of e's class, not exempt
// (another member of e's lock_all() group, another lock taken by a try-lock, a recursive
// reader over a recursive reader), and not released by e (a condvar wait's own mutex).
// A completion signalled inside its signalling section is no AA: none for mode_complete.
inline std::uint32_t aa_checked(const held_entry& e, std::uint32_t n) noexcept {
  if (e.mode & mode_complete) return 0;
  return e.mode & mode_skip_top && n > 0 ? n - 1 : n;
}
inline bool aa_candidate(const held_entry& h, std::uint32_t i, const held_entry& e,
                         std::uint32_t group) noexcept {
  if (h.cls != e.cls) return false;
  const bool other = h.instance != e.instance;
  if (other && (i >= group || (e.mode & mode_try))) return false;
  return !((e.mode & mode_kind_mask) == mode_recursive_read &&
           (h.mode & mode_kind_mask) == mode_recursive_read);
}

// `check_instances`: set when e's class is held already, so that which locks are held,
// not only their classes, decides whether e is an AA (see instance_check_key).
inline void validate_locked(validator_state& v, thread_state& t, held_entry& e,
                            stack_capture& stack, std::vector<report>& out,
                            bool& check_instances) {
  // Entries held below e (e itself is on the stack already: its slot is reserved).
  const std::uint32_t n = static_cast<std::uint32_t>(&e - t.held);
  const class_entry& ec = v.cls[e.cls];
  const bool is_try = e.mode & mode_try;
  const bool e_reader = (e.mode & mode_kind_mask) == mode_recursive_read;
  const std::uint32_t group = group_start(t, e, n);
  auto acquiring_info = [&] {
    return make_lock_info(v, e.cls, e.mode, e.instance,
                          make_site(e.loc, e.pc, e.ret, stack.frames(),
                                    stack.size(frames_per_edge)));
  };

  const bool is_wait = e.mode & mode_wait;
  const bool is_complete = e.mode & mode_complete;
  if (e.mode & (mode_wait | mode_complete | mode_section)) v.cls[e.cls].completion = true;
  const std::uint32_t below = e.mode & mode_skip_top && group > 0 ? group - 1 : group;

  // 1. The same class again: AA on this very lock, or possible recursive locking. (A
  //    completion may be signalled while held: its signalling section.) The very lock
  //    first: that one deadlocks now, whatever other lock of the class is held too.
  const std::uint32_t checked = aa_checked(e, n);
  for (std::uint32_t i = 0; i < n; ++i) check_instances |= t.held[i].cls == e.cls;
  std::uint32_t aa = checked;
  for (int pass = 0; pass < 2 && aa == checked; ++pass)
    for (std::uint32_t i = 0; i < checked && aa == checked; ++i) {
      const bool same = t.held[i].instance == e.instance;
      if (same == (pass == 0) && aa_candidate(t.held[i], i, e, group) &&
          first_report(v, report_kind::recursive_lock, e.cls, same))
        aa = i;
    }
  if (aa != checked) {
    const held_entry& h = t.held[aa];
    report r = base_report(v, t, report_kind::recursive_lock, n);
    r.has_acquiring = true;
    r.acquiring = acquiring_info();
    r.message = is_wait
        ? "lockorder: " + r.thread + " waits for " + ec.name +
              " inside a signalling section of it: it waits for itself."
        : h.instance == e.instance
        ? "lockorder: " + r.thread + " takes " + ec.name +
              " again while holding this very lock: it will deadlock on itself."
        : "lockorder: " + r.thread + " takes a second lock of class " + ec.name +
              " while holding one; if the nesting is deliberate, take it with lock_nested(N) or "
              "lock_all(), else two threads doing this in opposite orders deadlock.";
    out.push_back(std::move(r));
  }

  // 2. Declared levels: reported at once, even before any cycle exists. Locks held when
  //    signalling a completion must rank above it (the waiter may hold lower ones).
  auto level_broken = [&](const class_entry& hc) {
    return ec.ranked && hc.ranked && hc.family != ec.family &&
           (is_complete ? hc.level <= ec.level : hc.level >= ec.level);
  };
  std::uint32_t worst = n;
  if (ec.ranked && !is_try) {
    for (std::uint32_t i = 0; i < below; ++i) {
      const class_entry& hc = v.cls[t.held[i].cls];
      if (level_broken(hc) && (worst == n || (is_complete
                                                        ? hc.level < v.cls[t.held[worst].cls].level
                                                        : hc.level > v.cls[t.held[worst].cls].level)))
        worst = i;
    }
    if (worst != n &&
        first_report(v, report_kind::order_violation, v.cls[t.held[worst].cls].family,
                     ec.family)) {
      const held_entry& h = t.held[worst];
      report r = base_report(v, t, report_kind::order_violation, n);
      r.has_acquiring = true;
      r.acquiring = acquiring_info();
      dependency d;
      d.from = held_info(v, h);
      d.to = r.acquiring;
      d.how = r.acquiring.op;
      d.first_seen = r.acquiring.acquired_at;
      d.from_acquired_at = d.from.acquired_at;
      d.thread = r.thread;
      const std::string held_desc = d.from.class_name + " (level " +
                                    std::to_string(d.from.level) + ")";
      const std::string this_desc = r.acquiring.class_name + " (level " +
                                    std::to_string(ec.level) + ")";
      r.message = is_complete
          ? "lockorder: " + r.thread + " signals " + this_desc + " while holding " + held_desc +
                "; a waiter may hold " + d.from.class_name + ": release it before signalling."
          : "lockorder: " + r.thread + (is_wait ? " waits for " : " acquires ") + this_desc +
                " while holding " + held_desc + "; " + r.acquiring.class_name +
                (is_wait ? " must be waited for first." : " must be taken first.");
      r.chain.push_back(std::move(d));
      out.push_back(std::move(r));
    }
  }

  // 3. Learn `from` -> `to`; on a cycle, report it with every edge's first-seen site.
  //    `reverse`: the completion e -> a held lock h (signalled while h is held).
  auto learn = [&](const held_entry& h, bool reverse) -> bool {
    const class_entry& hc = v.cls[h.cls];
    // A level break is reported, not learned; class 0 (not registered: the class table
    // was full) is no node of the graph.
    if (h.cls == e.cls || !h.cls || level_broken(hc)) return true;
    const bool h_reader = (h.mode & mode_kind_mask) == mode_recursive_read;
    const std::uint32_t from = reverse ? e.cls : h.cls, to = reverse ? h.cls : e.cls;
    std::size_t path_len = 0;
    std::uint32_t index = 0;
    const auto res = v.graph.add_edge(
        from, to, reverse ? edge_kind(false, h_reader) : edge_kind(h_reader, e_reader), v.path,
        path_len, index);
    using res_t = decltype(res);
    if (res == res_t::existed || res == res_t::extended) ++v.sites[index].chains;
    if (res == res_t::added) {
      edge_site& s = v.sites[index];
      s.chains = 1;
      s.loc = e.loc;
      s.from_loc = h.loc;
      s.pc = e.pc;
      s.ret = e.ret;
      s.from_pc = h.pc;
      s.from_ret = h.ret;
      s.tid = t.tid;
      s.how = reverse ? lock_op::complete : is_wait ? lock_op::wait : lock_op::acquire;
      if (!pool_frames(v, stack.frames(), stack.size(frames_per_edge), s.frames_at,
                       s.frames_n) ||
          !pool_frames(v, h.frames, h.frame_count(), s.from_frames_at, s.from_frames_n))
        say_limit(v, 3, "stack frame", out);
    } else if (res == res_t::cycle) {
      bool all_declared = path_len > 0;
      for (std::size_t k = 0; k < path_len; ++k) all_declared &= v.sites[v.path[k]].why != nullptr;
      const report_kind kind =
          all_declared ? report_kind::order_violation : report_kind::circular_dependency;
      if (first_report(v, kind, from, to)) {
        if (v.rejected_n < std::size(v.rejected)) {
          auto& rj = v.rejected[v.rejected_n++];
          rj.from = from;
          rj.to = to;
          rj.kinds = reverse ? edge_kind(false, h_reader) : edge_kind(h_reader, e_reader);
          rj.site = {e.loc, h.loc, e.pc, e.ret, h.pc, h.ret, 0, 0, 0, 0, t.tid,
                     reverse ? lock_op::complete : is_wait ? lock_op::wait : lock_op::acquire,
                     nullptr, 1};
        }
        report r = base_report(v, t, kind, n);
        r.has_acquiring = true;
        r.acquiring = acquiring_info();
        for (std::size_t k = 0; k < path_len; ++k)
          r.chain.push_back(edge_dependency(v, v.path[k]));
        dependency now;
        lock_info held = held_info(v, h);
        now.from = reverse ? r.acquiring : held;
        now.to = reverse ? held : r.acquiring;
        now.how = reverse ? lock_op::complete : r.acquiring.op;
        now.first_seen = r.acquiring.acquired_at;
        now.from_acquired_at = held.acquired_at;
        now.thread = r.thread;
        r.chain.push_back(std::move(now));
        const std::string& a = r.chain.back().from.class_name;
        const std::string& b = r.chain.back().to.class_name;
        r.message = "lockorder: " + r.thread +
                    (reverse ? " signals " + a + " while holding " + b
                             : (is_wait ? " waits for " : " acquires ") + b + " while holding " + a) +
                    (all_declared
                         ? ", but " + b + " is declared to be taken before " + a +
                               " (after<>): " + r.chain.front().rationale
                         : ", but " + b + " --> " + a + " was seen before: a cycle of " +
                               std::to_string(r.chain.size()) +
                               " dependencies, a possible deadlock.");
        out.push_back(std::move(r));
      }
    } else if (res == res_t::full) {
      say_limit(v, 1, "LOCKORDER_MAX_EDGES", out);
      return false;
    }
    return true;
  };

  if (is_complete) {  // the completion depends on every lock its signaller holds
    for (std::uint32_t i = n; i-- > 0;)
      if (!learn(t.held[i], true)) return;
    return;
  }
  if (is_try) return;  // (a signalling section is entered like a try-lock)
  // The nearest held lock, and past it while the entry does not carry the order on:
  // try-locks, lock_all() group members, and recursive readers (a path through a
  // reader is not transitive under the recursive-read rule, so lower locks need their
  // own edge, as in lockdep).
  for (std::uint32_t i = below; i-- > 0;) {
    if (!learn(t.held[i], false)) return;
    const unsigned m = t.held[i].mode;
    if (!(m & (mode_try | mode_group_next)) && (m & mode_kind_mask) != mode_recursive_read)
      break;
  }
}

inline void validate(thread_state& t, held_entry& e) {
  validator_state* v = state();
  if (!v) return;
  std::vector<report> reports;
  stack_capture stack;
  stack.take();  // outside the lock: the first call may load the unwinder
  e.nframes = static_cast<std::uint32_t>(stack.size(held_frames));
  std::memcpy(e.frames, stack.frames(), e.nframes * sizeof(void*));
  e.mode |= mode_frames;
  {
    tables_lock lock(t);
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      if (learning.load(std::memory_order_relaxed)) {
        bool check_instances = false;
        validate_locked(*v, t, e, stack, reports, check_instances);
        if (!chain_insert(check_instances ? instance_check_key(e.key) : e.key))
          say_limit(*v, 2, "LOCKORDER_MAX_CHAINS", reports);
      }
#if LOCKORDER_EXCEPTIONS
    } catch (const std::bad_alloc&) {
      // Building a report ran out of memory: say so without allocating, and go on.
      static const char msg[] = "lockorder: out of memory while building a report; report lost\n";
      std::fwrite(msg, 1, sizeof msg - 1, stderr);
    }
#endif
  }
  deliver_all(reports, !(e.mode & mode_try));
}

// ---- hooks ----------------------------------------------------------------------------

inline void push_entry(thread_state& t, const void* instance, std::uint32_t cls, unsigned mode,
                       std::source_location loc, void* pc, void* ret);

// A report outside chain validation (misuse, thread exit, a full held stack): built
// under big_lock by `build`, which may decline it (returns false), and delivered after
// the lock is dropped. Out of memory while building: the report is lost, the program
// goes on. `quiet`: for noexcept callers, a handler's exception is swallowed too.
template <class Build>
void report_misuse(thread_state& t, validator_state& v, report_kind kind, Build&& build,
                   bool quiet = false) {
  if (t.in_tables) return;  // a signal handler, interrupting this thread's validator
  std::vector<report> reports;
  {
    tables_lock lock(t);
#if LOCKORDER_EXCEPTIONS
    try {
#endif
      report r = base_report(v, t, kind, t.depth);
      if (build(r)) reports.push_back(std::move(r));
#if LOCKORDER_EXCEPTIONS
    } catch (...) {
    }
#endif
  }
#if LOCKORDER_EXCEPTIONS
  if (!quiet) return deliver_all(reports, false);
  try {
    deliver_all(reports, false);
  } catch (...) {
  }
#else
  (void)quiet;  // a handler cannot throw: nothing to swallow
  deliver_all(reports, false);
#endif
}

// The rare cases: too many locks held, the thread's first acquisition, a nesting
// subclass (its class id may need registering), a class the full table could not take.
[[gnu::noinline]] inline void acquire_slow(const void* instance, std::uint32_t cls,
                                           unsigned subclass, unsigned mode,
                                           std::source_location loc, void* pc,
                                           void* ret) {
  thread_state& t = tls;
  if (t.depth >= LOCKORDER_MAX_HELD) {
    if (++t.untracked == 1 && !t.busy && learning.load(std::memory_order_relaxed)) {
      if (validator_state* v = state())
        report_misuse(t, *v, report_kind::limit_reached, [&](report& r) {
          if (std::exchange(v->said_full[4], true)) return false;
          r.message = "lockorder: " + r.thread + " holds more than LOCKORDER_MAX_HELD (" +
                      std::to_string(LOCKORDER_MAX_HELD) + ") locks; deeper ones are not "
                      "validated.";
          return true;
        });
    }
    return;
  }
  if (!t.tid) first_acquisition(t);
  if (subclass && cls)
    if (validator_state* v = state()) cls = subclass_id(*v, cls, subclass);
  push_entry(t, instance, cls, mode, loc, pc, ret);
}

// A chain key this thread has not cached: look in the global set, else validate. A
// report thrown (throw mode) gives the reserved slot back: nothing was pushed.
[[gnu::noinline]] inline void check_chain(thread_state& t, held_entry& e) {
  if (!e.cls || t.busy || !learning.load(std::memory_order_relaxed)) return;
  switch (chain_known(t, e.key)) {
    case chain_state::known:
      return;
    case chain_state::check_instances: {
      // Validate again only when a held lock of e's class makes it an AA: a program
      // already reported for it (lock_all() groups and try-locks stay on this path).
      const std::uint32_t n = static_cast<std::uint32_t>(&e - t.held);
      const std::uint32_t group = group_start(t, e, n), checked = aa_checked(e, n);
      bool again = false;
      for (std::uint32_t i = 0; i < checked && !again; ++i)
        again = aa_candidate(t.held[i], i, e, group);
      if (!again) return;
      break;
    }
    case chain_state::unknown:
      break;
  }
#if LOCKORDER_EXCEPTIONS
  try {
    validate(t, e);
  } catch (...) {
    t.depth = static_cast<std::uint32_t>(&e - t.held);
    throw;
  }
#else
  validate(t, e);
#endif
}

inline void push_entry(thread_state& t, const void* instance, std::uint32_t cls, unsigned mode,
                       std::source_location loc, void* pc, void* ret) {
  const std::uint32_t d = t.depth;
  held_entry& e = t.held[d];
  // The slot is reserved before it is filled, and its class set last: a lock taken
  // meanwhile on this thread (a signal handler's, or a report handler's while e is
  // validated) goes above it, and sees it as class 0, which nothing is ordered against.
  e.cls = 0;
  t.depth = d + 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if constexpr (LOCKORDER_STACKTRACE) {  // opted in: every held lock knows its callers
    void* raw[held_frames + 2];
    const int n = backtrace(raw, held_frames + 2);
    e.nframes = n > 2 ? static_cast<std::uint32_t>(n - 2) : 0;
    std::memcpy(e.frames, raw + 2, e.nframes * sizeof(void*));
    mode |= mode_frames;
  }
  e.instance = instance;
  e.mode = mode;
  e.loc = loc;
  e.pc = pc;
  e.ret = ret;
  e.key = key_at(t, d, cls, mode);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  e.cls = cls;
  // A lone lock has nothing to be ordered against: no look-up.
  if (d && t.cache[cache_index(e.key)] != e.key) [[unlikely]]
    check_chain(t, e);  // may throw (throw mode): then the slot is given back
}

// An address in the function the acquisition is inlined into: with optimization, the
// user's function, even through std::lock_guard. Symbolized only when reported.
[[gnu::always_inline]] inline void* current_pc() noexcept {
#if defined(__x86_64__)
  void* pc;
  asm("lea 0(%%rip), %0" : "=r"(pc));
  return pc;
#else
  return __builtin_return_address(0);
#endif
}

// Inline: the cached case is a few loads and stores; the rest is out of line.
[[gnu::always_inline]] inline void acquire(lock_state& s, const void* instance,
                                           std::uint32_t cls, unsigned subclass, unsigned mode,
                                           std::source_location loc) {
  (void)s;
  thread_state& t = tls;
  void* const pc = current_pc();
  void* const ret = __builtin_return_address(0);
  if (t.depth >= t.gate || subclass || !cls) [[unlikely]]
    return acquire_slow(instance, cls, subclass, mode, loc, pc, ret);
  push_entry(t, instance, cls, mode, loc, pc, ret);
}

inline void wait_point(const void* instance, std::uint32_t cls, unsigned mode,
                       const std::source_location& loc) {
  thread_state& t = tls;
  if (t.depth >= LOCKORDER_MAX_HELD || !cls) return;
  if (!t.tid) first_acquisition(t);
  if (t.depth == 0) return;  // nothing held: nothing to learn or check
  // Validated as an entry on top of the held stack, then dropped: never held.
  push_entry(t, instance, cls, mode, loc, current_pc(), __builtin_return_address(0));
  --t.depth;
}

inline void mark_held(lock_state& s, unsigned mode) noexcept {
  if ((mode & mode_kind_mask) == mode_exclusive)
    s.owner.store(tls.tid, std::memory_order_relaxed);  // acquire() gave the thread an id
  else
    s.readers.fetch_add(1, std::memory_order_relaxed);
}

// Removes held[i] and recomputes the chain keys above it.
inline void remove_held(thread_state& t, std::uint32_t i) noexcept {
  for (std::uint32_t j = i; j + 1 < t.depth; ++j) {
    t.held[j] = t.held[j + 1];
    t.held[j].key = key_at(t, j, t.held[j].cls, t.held[j].mode);
  }
  --t.depth;
}

inline void forget(const void* instance) noexcept {
  thread_state& t = tls;
  for (std::uint32_t i = t.depth; i-- > 0;)
    if (t.held[i].instance == instance) return remove_held(t, i);
}

[[gnu::noinline]] inline bool release_slow(lock_state& s, const void* instance,
                                          class_getter cls, std::source_location loc) {
  thread_state& t = tls;
  for (std::uint32_t i = t.depth; i-- > 0;) {
    if (t.held[i].instance != instance) continue;
    if ((t.held[i].mode & mode_kind_mask) == mode_exclusive)
      s.owner.store(0, std::memory_order_relaxed);
    else
      s.readers.fetch_sub(1, std::memory_order_relaxed);
    if (i + 1 == t.depth)
      --t.depth;
    else
      remove_held(t, i);
    return true;
  }
  if (t.untracked) {  // one of the locks past LOCKORDER_MAX_HELD
    --t.untracked;
    return true;
  }
  validator_state* v = state();
  if (!v || t.busy) return true;
  if (!t.tid) first_acquisition(t);
  const std::uint32_t owner = s.owner.load(std::memory_order_relaxed);
  const std::uint32_t id = class_of(s, *cls);  // may register the class: before taking big_lock
  report_misuse(t, *v, report_kind::bad_unlock, [&](report& r) {
    r.has_acquiring = true;
    r.message = "lockorder: " + r.thread + " releases a lock it does not hold (" +
                (owner ? "held by " + thread_label(*v, owner)
                       : std::string(s.readers.load() ? "held shared by other threads"
                                                      : "not held at all")) +
                "); the unlock is not performed.";
    stack_capture st;
    st.take();
    r.acquiring = make_lock_info(*v, id, 0, instance,
                                 make_site(loc, nullptr, nullptr, st.frames(), st.size(frames_per_edge)));
    return true;
  });
  return false;
}

inline bool release(lock_state& s, const void* instance, class_getter cls,
                    std::source_location loc) {
  thread_state& t = tls;
  const std::uint32_t d = t.depth;
  if (d && t.held[d - 1].instance == instance) [[likely]] {  // released in LIFO order
    if ((t.held[d - 1].mode & mode_kind_mask) == mode_exclusive)
      s.owner.store(0, std::memory_order_relaxed);
    else
      s.readers.fetch_sub(1, std::memory_order_relaxed);
    t.depth = d - 1;
    return true;
  }
  return release_slow(s, instance, cls, loc);
}

inline void destroyed_while_held(lock_state& s, const void* instance, class_getter cls,
                                 std::uint32_t owner, std::uint32_t readers) noexcept {
  thread_state& t = tls;
  for (std::uint32_t i = t.depth; i-- > 0;)
    if (t.held[i].instance == instance) {
      remove_held(t, i);  // do not leave a dangling record behind
      break;
    }
  validator_state* v = state();
  if (!v || t.busy) return;
  if (!t.tid) first_acquisition(t);
  const std::uint32_t id = class_of(s, *cls);
  report_misuse(t, *v, report_kind::destroyed_while_held, [&](report& r) {
    r.has_acquiring = true;
    stack_capture st;
    st.take();
    r.acquiring = make_lock_info(*v, id, 0, instance,
                                 make_site({}, nullptr, nullptr, st.frames(), st.size(frames_per_edge)));
    r.message = "lockorder: a lock is destroyed while " +
                (owner ? thread_label(*v, owner) + " holds it"
                       : std::to_string(readers) + " reader(s) hold it") + ".";
    return true;
  }, /*quiet=*/true);
}

inline void destroy(lock_state& s, const void* instance, class_getter cls) noexcept {
  const std::uint32_t owner = s.owner.load(std::memory_order_relaxed);
  const std::uint32_t readers = s.readers.load(std::memory_order_relaxed);
  if (!owner && !readers) return;
  // Set by the holder's first acquisition, which came before it marked the lock held.
  if (const destroy_report_fn report = destroy_report.load(std::memory_order_acquire))
    report(s, instance, cls, owner, readers);
}

inline exit_hook::~exit_hook() {
  thread_state& t = tls;
  if (t.depth == 0) return;
  validator_state* v = state();
  if (!v) return;
  report_misuse(t, *v, report_kind::held_at_thread_exit, [&](report& r) {
    r.message = "lockorder: " + r.thread + " exits holding " + std::to_string(t.depth) +
                (t.depth == 1 ? " lock." : " locks.");
    return true;
  }, /*quiet=*/true);
  t.depth = 0;  // the thread is gone: nothing it held is held by it any more
}

// ---- stale contexts -------------------------------------------------------------------

inline constexpr std::uint32_t untracked_context = 0xffffffffu;

inline std::uint32_t innermost_context(const thread_state& t) noexcept {
  return t.ctx_live ? 64u - static_cast<std::uint32_t>(std::countl_zero(t.ctx_live)) : 0u;
}

inline void stale_report(std::uint32_t used, std::uint32_t innermost,
                         const std::source_location& loc) {
  thread_state& t = tls;
  if (t.busy) return;
  validator_state* v = state();
  if (!v) return;
  if (!t.tid) first_acquisition(t);
  report_misuse(t, *v, report_kind::stale_context, [&](report& r) {
    if (!first_report(*v, report_kind::stale_context,
                      reinterpret_cast<std::uintptr_t>(loc.file_name()), loc.line()))
      return false;
    {
      const site at = make_site(loc, nullptr, nullptr);
      r.message = "lockorder: a context of depth " + std::to_string(used) +
                  " was used at " + detail::describe_site(at) + ", but the thread's innermost "
                  "context has depth " + std::to_string(innermost) +
                  (used == 0 ? ": unlocked() was called while locks taken through contexts are "
                               "held, so its compile-time checks cannot see them."
                             : ": a lock was taken through this context and is still held, so "
                               "its type no longer says what the thread holds. Use the newest "
                               "guard.");
    }
    return true;
  });
}

inline std::uint32_t context_enter(std::uint32_t parent, const std::source_location& loc) {
  thread_state& t = tls;
  if (parent == untracked_context) return untracked_context;
  const std::uint32_t top = innermost_context(t);
  if (parent != top) stale_report(parent, top, loc);
  const std::uint32_t d = top + 1;
  if (d > 64) return untracked_context;
  t.ctx_live |= std::uint64_t{1} << (d - 1);
  return d;
}

inline void context_leave(std::uint32_t depth) noexcept {
  if (depth >= 1 && depth <= 64) tls.ctx_live &= ~(std::uint64_t{1} << (depth - 1));
}

inline void context_check(std::uint32_t depth, const std::source_location& loc) {
  if (depth == untracked_context) return;
  const std::uint32_t top = innermost_context(tls);
  if (depth != top) stale_report(depth, top, loc);
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
