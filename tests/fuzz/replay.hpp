// Replays a sequence (model.hpp) against the real validator and against the model, and
// compares their verdicts after every operation. Shared by the random driver
// (driver.cpp) and the libFuzzer target (fuzz_target.cpp).
//
// Real: every object is a lockorder::mutex / shared_mutex / completion over a fake,
// never-blocking lock, of its family's static class (shared by several locks) or with a
// class of its own (lockorder::own_class, named "L3" or "C3"). Each virtual thread is a real, persistent std::thread (virtual thread 0 is the
// caller) that runs its operations when handed the baton, one thread at a time: the
// held stacks are the validator's real per-thread ones, and the run is deterministic.
// Between sequences the validator is reset (lockorder/detail/testing.hpp).
#pragma once

#include "model.hpp"

#include <lockorder/lockorder.hpp>
#include <lockorder/detail/testing.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fuzz {

// ---- never-blocking underlying locks --------------------------------------------------

// lock() always succeeds at once (a virtual thread never blocks); try-locks fail when a
// real lock would. Counts may go negative after a mismatched unlock: only try-locks read
// them, and the model keeps the same counts.
struct fake_lock {
  int excl = 0;
  void lock() { ++excl; }
  bool try_lock() { return excl <= 0 ? (++excl, true) : false; }
  void unlock() { --excl; }
};
struct fake_rw : fake_lock {
  int readers = 0;
  bool try_lock() { return excl <= 0 && readers <= 0 ? (++excl, true) : false; }
  void lock_shared() { ++readers; }
  bool try_lock_shared() { return excl <= 0 ? (++readers, true) : false; }
  void unlock_shared() { --readers; }
};
struct fake_rw_recursive : fake_rw {};  // reader-preferring: reader_recursive_v below

}  // namespace fuzz

template <>
inline constexpr bool lockorder::reader_recursive_v<fuzz::fake_rw_recursive> = true;

// The families (model.hpp's `families`, same order).
LOCKORDER_CLASS(fz_free);
LOCKORDER_CLASS(fz_l10, 10);
LOCKORDER_CLASS(fz_l20, 20);
LOCKORDER_CLASS(fz_l20b, 20);
LOCKORDER_CLASS(fz_l30, 30);

namespace fuzz {

// ---- the objects, behind one interface ------------------------------------------------

// A lock_all() guard, kept until its unlock_group (or the end of the run).
struct guard_base {
  virtual ~guard_base() = default;
};
template <class G>
struct guard_holder final : guard_base {
  G g;
  template <class F>
  explicit guard_holder(F&& take) : g(take()) {}  // guaranteed elision: G is not movable here
};

struct object_base {
  virtual ~object_base() = default;
  virtual void exec(const op& o, bool& tried) = 0;
  /// lockorder::unlocked().lock_all(*this, others...): members of this object's type.
  virtual std::unique_ptr<guard_base> lock_all(object_base* const* others, std::size_t n) = 0;
};

template <class M>
struct lock_object final : object_base {
  M m;
  explicit lock_object(const char* name) : m(lockorder::own_class_t{name}) {}
  lock_object() = default;  // the type's static class, shared
  void exec(const op& o, bool& tried) override {
    const op_kind k = o.kind;
    const bool shared = o.shared;
    switch (k) {
      case op_kind::lock: m.lock(); break;
      case op_kind::lock_nested: m.lock_nested(o.sub); break;
      case op_kind::try_lock: tried = m.try_lock(); break;
      case op_kind::might_lock: m.might_lock(); break;
      case op_kind::unlock:
        if constexpr (M::lockorder_shared)
          if (shared) return m.unlock_shared();
        m.unlock();
        break;
      default:
        if constexpr (M::lockorder_shared) {
          if (k == op_kind::lock_shared) m.lock_shared();
          if (k == op_kind::try_lock_shared) tried = m.try_lock_shared();
          if (k == op_kind::might_lock_shared) m.might_lock_shared();
        }
        break;
    }
  }
  std::unique_ptr<guard_base> lock_all(object_base* const* others, std::size_t n) override {
    auto& b = n > 0 ? peer(others[0]) : m;
    auto& c = n > 1 ? peer(others[1]) : m;
    auto make = [](auto take) -> std::unique_ptr<guard_base> {
      return std::make_unique<guard_holder<decltype(take())>>(take);
    };
    if (n == 0) return make([&] { return lockorder::unlocked().lock_all(m); });
    if (n == 1) return make([&] { return lockorder::unlocked().lock_all(m, b); });
    return make([&] { return lockorder::unlocked().lock_all(m, b, c); });
  }
  static M& peer(object_base* o) {
    auto* p = dynamic_cast<lock_object*>(o);
    if (!p) std::abort();  // normalize() keeps only members of one type
    return p->m;
  }
};

template <class C>
struct completion_object final : object_base {
  lockorder::completion<C> c;
  // Completed for good at once, with nothing held (not recorded): waits never block.
  explicit completion_object(const char* name) : c(lockorder::own_class_t{name}) { c.complete_all(); }
  void exec(const op& o, bool&) override {
    switch (o.kind) {
      case op_kind::wait: c.wait(); break;
      case op_kind::wait_for: (void)c.wait_for(std::chrono::seconds(0)); break;
      case op_kind::complete: c.complete(); break;
      case op_kind::complete_all: c.complete_all(); break;
      default: break;
    }
  }
  std::unique_ptr<guard_base> lock_all(object_base* const*, std::size_t) override { return nullptr; }
};

// The objects of a run live in one arena, in index order: lock_all() orders the members
// of a group by address, and the model by index.
inline constexpr std::size_t max_objects = 12, object_slot = 256;
struct arena_delete {
  void operator()(object_base* p) const { p->~object_base(); }
};
using object_ptr = std::unique_ptr<object_base, arena_delete>;

template <class T>
object_ptr make_in(void* slot, const object& o, const char* name) {
  static_assert(sizeof(T) <= object_slot && alignof(T) <= alignof(std::max_align_t));
  if (o.shared_class && is_lock(o)) {
    if constexpr (requires { T(); }) return object_ptr(new (slot) T());
  }
  return object_ptr(new (slot) T(name));
}

template <class C>
object_ptr make_object(void* slot, const object& o, const char* name) {
  switch (o.kind) {
    case obj_kind::mutex: return make_in<lock_object<lockorder::mutex<C, fake_lock>>>(slot, o, name);
    case obj_kind::rw: return make_in<lock_object<lockorder::shared_mutex<C, fake_rw>>>(slot, o, name);
    case obj_kind::rw_recursive:
      return make_in<lock_object<lockorder::shared_mutex<C, fake_rw_recursive>>>(slot, o, name);
    case obj_kind::completion: return make_in<completion_object<C>>(slot, o, name);
  }
  return nullptr;
}

inline object_ptr make_object(void* slot, const object& o, const char* name) {
  switch (o.family) {
    case 0: return make_object<fz_free>(slot, o, name);
    case 1: return make_object<fz_l10>(slot, o, name);
    case 2: return make_object<fz_l20>(slot, o, name);
    case 3: return make_object<fz_l20b>(slot, o, name);
    default: return make_object<fz_l30>(slot, o, name);
  }
}

// ---- virtual threads ----------------------------------------------------------------

// Virtual thread 0 is the calling thread; 1..n-1 are persistent threads that sleep until
// handed an operation (a futex wait on an atomic ticket) and hand the baton back.
class thread_pool {
 public:
  explicit thread_pool(unsigned n) : workers_(n > 1 ? n - 1 : 0) {
    for (auto& w : workers_) w.th = std::thread([&w] { w.loop(); });
  }
  ~thread_pool() {
    for (auto& w : workers_) w.post(nullptr, nullptr);
    for (auto& w : workers_) w.th.join();
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  [[nodiscard]] unsigned size() const { return static_cast<unsigned>(workers_.size() + 1); }

  /// Runs f() on virtual thread t and returns when it is done.
  template <class F>
  void run_on(unsigned t, F&& f) {
    if (t == 0) return f();
    worker& w = workers_[t - 1];
    w.post([](void* p) { (*static_cast<std::remove_reference_t<F>*>(p))(); }, &f);
  }

 private:
  struct worker {
    std::thread th;
    std::atomic<std::uint32_t> go{0}, done{0};
    void (*fn)(void*) = nullptr;
    void* arg = nullptr;
    void post(void (*f)(void*), void* a) {
      fn = f;
      arg = a;
      const std::uint32_t ticket = go.load(std::memory_order_relaxed) + 1;
      go.store(ticket, std::memory_order_release);
      go.notify_one();
      if (!f) return;  // stop: joined by the caller
      for (std::uint32_t d; (d = done.load(std::memory_order_acquire)) != ticket;)
        done.wait(d, std::memory_order_acquire);
    }
    void loop() {
      for (std::uint32_t seen = 0;;) {
        go.wait(seen, std::memory_order_acquire);
        seen = go.load(std::memory_order_acquire);
        if (!fn) return;
        fn(arg);
        done.store(seen, std::memory_order_release);
        done.notify_one();
      }
    }
  };
  std::vector<worker> workers_;
};

// ---- the differential check ---------------------------------------------------------

inline std::string describe(const std::vector<verdict>& vs) {
  static const char* const kinds[] = {"circular_dependency", "order_violation", "recursive_lock",
                                      "bad_unlock", "destroyed_while_held", "held_at_thread_exit",
                                      "limit_reached", "stale_context"};
  std::string s = "{";
  for (const verdict& v : vs) {
    s += s.size() > 1 ? ", " : " ";
    s += v.kind >= 0 && v.kind < 8 ? kinds[v.kind] : "?";
    for (const auto& c : v.classes) s += " " + c;
  }
  return s + (vs.empty() ? "}" : " }");
}

inline std::string describe(const sequence& s, const op& o) {
  static const char* const names[] = {"lock", "lock_shared", "try_lock", "try_lock_shared",
                                      "unlock", "might_lock", "might_lock_shared", "wait",
                                      "wait_for", "complete", "complete_all", "lock_nested",
                                      "lock_all", "unlock_group"};
  std::string r = "T" + std::to_string(o.thread) + " " + names[static_cast<int>(o.kind)];
  if (o.kind == op_kind::unlock_group) return r;
  r += " " + object_name(s.objects, o.obj);
  for (std::uint8_t i = 0; i < o.n_more; ++i) r += " " + object_name(s.objects, o.more[i]);
  if (o.kind == op_kind::lock_nested) r += " /" + std::to_string(o.sub);
  if (o.kind == op_kind::unlock && o.shared) r += " (unlock_shared)";
  return r;
}

inline std::string describe(const sequence& s) {
  static const char* const kinds[] = {"mutex", "rw", "rw_recursive", "completion"};
  std::string r = "threads " + std::to_string(s.threads) + "; objects:";
  for (std::size_t i = 0; i < s.objects.size(); ++i)
    r += " " + object_name(s.objects, i) + "=" + kinds[static_cast<int>(s.objects[i].kind)] + "(" +
         (s.objects[i].shared_class && is_lock(s.objects[i]) ? "class " : "own, ") + families[s.objects[i].family].name + ")";
  r += "\n";
  for (std::size_t i = 0; i < s.ops.size(); ++i)
    r += "  " + std::to_string(i) + ": " + describe(s, s.ops[i]) + "\n";
  return r;
}

struct outcome {
  bool ok = true;
  std::size_t failed_at = 0;  // index of the op (ops.size() and up: cleanup, then teardown)
  std::string what;
};

/// Replays sequences; one per process (it owns the report handler and the threads).
class replayer {
 public:
  explicit replayer(unsigned threads) : pool_(threads) {
    lockorder::set_report_handler([this](const lockorder::report& r) {
      std::lock_guard g(m_);
      got_.push_back(r);
    });
  }

  ~replayer() {
    // A failed run may leave records behind: the threads must not report them at exit.
    for (unsigned t = 0; t < pool_.size(); ++t)
      pool_.run_on(t, [] { lockorder::detail::rt::reset_thread_for_testing(); });
    lockorder::set_report_handler({});  // the handler refers to this object
  }
  replayer(const replayer&) = delete;
  replayer& operator=(const replayer&) = delete;

  [[nodiscard]] unsigned max_threads() const { return pool_.size(); }
  /// Reports seen so far, by report_kind (how much the runs exercised).
  [[nodiscard]] const std::array<unsigned long long, 8>& reports_seen() const { return seen_; }

  /// The differential check of one sequence. Every op of `s` must be normalized and
  /// s.threads <= max_threads(). `inject` (tests of this test): the model is told a
  /// wrong verdict at that op index, to see the check fail.
  outcome run(const sequence& s, std::size_t inject = SIZE_MAX) {
    lockorder::detail::rt::reset_for_testing<fz_free, fz_l10, fz_l20, fz_l20b, fz_l30>();
    lockorder::detail::rt::reset_thread_for_testing();
    std::vector<bool> fresh(s.threads);  // thread t's part of the reset is done (in its first hand-off)
    fresh[0] = true;
    {
      std::lock_guard g(m_);
      got_.clear();
    }
    names_.clear();
    for (std::size_t i = 0; i < s.objects.size(); ++i) names_.push_back(object_name(s.objects, i));
    objects_.clear();
    if (s.objects.size() > max_objects) std::abort();
    for (std::size_t i = 0; i < s.objects.size(); ++i)
      objects_.push_back(make_object(arena_ + i * object_slot, s.objects[i], names_[i].c_str()));
    guards_.clear();
    guards_.resize(s.threads);

    model m(s);
    outcome res;
    // Runs on the op's thread: the op, then the check (held stacks are per thread).
    auto apply = [&](const op& o, std::size_t index) {
      bool model_tried = false, tried = false;
      std::vector<verdict> want = m.step(o, &model_tried);
      if (index == inject) want.push_back({k_recursive, {"injected"}});
      exec(o, tried);
      const std::vector<std::string> held = lockorder::detail::rt::held_classes_for_testing();
      std::string why = compare(m, want);
      if (why.empty() && (o.kind == op_kind::try_lock || o.kind == op_kind::try_lock_shared) &&
          tried != model_tried)
        why = std::string("try-lock ") + (tried ? "succeeded" : "failed") + ", the model says it " +
              (model_tried ? "succeeds" : "fails");
      if (why.empty() && held != m.held_names(o.thread))
        why = "T" + std::to_string(o.thread) + " holds" + list(held) + ", the model says" +
              list(m.held_names(o.thread));
      if (!why.empty()) res = {false, index, describe(s, o) + ": " + why};
      return why.empty();
    };
    // Consecutive ops of one thread go in one hand-off.
    auto apply_all = [&](const std::vector<op>& ops, std::size_t first_index) {
      for (std::size_t i = 0; i < ops.size() && res.ok;) {
        std::size_t end = i + 1;
        while (end < ops.size() && ops[end].thread == ops[i].thread) ++end;
        pool_.run_on(ops[i].thread, [&] {
          if (!fresh[ops[i].thread]) lockorder::detail::rt::reset_thread_for_testing();
          fresh[ops[i].thread] = true;
          for (std::size_t k = i; k < end; ++k)
            if (!apply(ops[k], first_index + k)) break;
        });
        i = end;
      }
    };
    apply_all(s.ops, 0);
    std::size_t index = s.ops.size();
    if (res.ok) {
      const std::vector<op> cleanup = m.cleanup();
      apply_all(cleanup, index);
      index += cleanup.size();
    }
    // Teardown: nothing is held any more, so destroying reports nothing. (After a failed
    // run, guards still alive are dropped on their threads, and records left on other
    // threads by the next run's reset.)
    for (unsigned t = 0; t < s.threads; ++t)
      if (!guards_[t].empty()) pool_.run_on(t, [&] {
          while (!guards_[t].empty()) guards_[t].pop_back();
        });
    objects_.clear();
    if (res.ok) {
      std::string why = compare(m, {});
      if (!why.empty()) res = {false, index, "destroying the objects: " + why};
    }
    return res;
  }

 private:
  // Runs one op on the calling (virtual) thread o.thread.
  void exec(const op& o, bool& tried) {
    auto& guards = guards_[o.thread];
    if (o.kind == op_kind::unlock_group) {
      if (!guards.empty()) guards.pop_back();
    } else if (o.kind == op_kind::lock_all) {
      object_base* others[2] = {};
      for (std::uint8_t i = 0; i < o.n_more; ++i) others[i] = objects_[o.more[i]].get();
      guards.push_back(objects_[o.obj]->lock_all(others, o.n_more));
    } else {
      objects_[o.obj]->exec(o, tried);
    }
  }

  static std::string list(const std::vector<std::string>& v) {
    std::string s = " [";
    for (const auto& x : v) s += (s.size() > 2 ? " " : "") + x;
    return s + "]";
  }

  // The reports delivered since the last call against `want`; empty string if equal.
  std::string compare(const model& m, std::vector<verdict> want) {
    std::vector<lockorder::report> reports;
    {
      std::lock_guard g(m_);
      reports.swap(got_);
    }
    std::vector<verdict> have;
    std::string why;
    for (const auto& r : reports) {
      ++seen_[static_cast<std::size_t>(r.kind) % seen_.size()];
      verdict v{static_cast<int>(r.kind), {}};
      switch (r.kind) {
        case lockorder::report_kind::circular_dependency: {
          std::vector<std::pair<std::string, std::string>> chain;
          for (const auto& d : r.chain) chain.emplace_back(d.from.class_name, d.to.class_name);
          if (!chain.empty()) v.classes = {chain.back().first, chain.back().second};
          if (std::string bad = m.check_cycle(chain); !bad.empty() && why.empty()) {
            why = "bad cycle in the report: " + bad + "; chain:";
            for (const auto& [a, b] : chain) why += " " + a + "->" + b;
          }
          break;
        }
        case lockorder::report_kind::order_violation:
          if (!r.chain.empty()) v.classes = {r.chain[0].from.class_name, r.chain[0].to.class_name};
          break;
        case lockorder::report_kind::recursive_lock:  // which case: the message says
          v.classes = {r.acquiring.class_name,
                       r.message.find("while holding this very lock") != std::string::npos ? same_lock
                       : r.message.find("takes a second lock of class") != std::string::npos ? second_lock
                                                                                            : r.message};
          break;
        case lockorder::report_kind::bad_unlock: v.classes = {r.acquiring.class_name}; break;
        case lockorder::report_kind::stale_context: break;
        default: v.classes = {r.message}; break;
      }
      have.push_back(std::move(v));
    }
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    if (have != want) return "the validator reported " + describe(have) + ", the model expects " + describe(want);
    return why;
  }

  std::mutex m_;
  std::vector<lockorder::report> got_;
  std::vector<std::string> names_;
  alignas(std::max_align_t) unsigned char arena_[max_objects * object_slot];
  std::vector<object_ptr> objects_;  // in arena_, in index order
  std::vector<std::vector<std::unique_ptr<guard_base>>> guards_;  // per thread, oldest first
  std::array<unsigned long long, 8> seen_{};
  thread_pool pool_;  // last: its threads end first
};

// ---- shrinking ----------------------------------------------------------------------

/// Removes ops (halves, quarters, ... single ops), then unused objects and threads,
/// while the sequence still fails the check. Returns the smallest failing sequence.
inline sequence shrink(replayer& r, sequence s) {
  auto fails = [&](const sequence& c) { return !r.run(c).ok; };
  for (std::size_t chunk = std::max<std::size_t>(s.ops.size() / 2, 1);;) {
    bool removed = false;
    for (std::size_t i = 0; i < s.ops.size();) {
      sequence c = s;
      c.ops.erase(c.ops.begin() + static_cast<std::ptrdiff_t>(i),
                  c.ops.begin() + static_cast<std::ptrdiff_t>(std::min(i + chunk, c.ops.size())));
      if (fails(c)) {
        s = std::move(c);
        removed = true;
      } else {
        i += chunk;
      }
    }
    if (chunk == 1 && !removed) break;
    if (chunk > 1) chunk /= 2;
  }
  for (std::size_t k = s.objects.size(); k-- > 0;) {  // objects no op names
    if (std::any_of(s.ops.begin(), s.ops.end(), [&](const op& o) { return o.obj == k; })) continue;
    sequence c = s;
    c.objects.erase(c.objects.begin() + static_cast<std::ptrdiff_t>(k));
    for (op& o : c.ops)
      if (o.obj > k) --o.obj;
    if (fails(c)) s = std::move(c);
  }
  std::vector<int> map(s.threads, -1);  // threads renumbered in order of first use
  unsigned used = 0;
  for (const op& o : s.ops)
    if (map[o.thread] < 0) map[o.thread] = static_cast<int>(used++);
  sequence c = s;
  c.threads = std::max(used, 1u);
  for (op& o : c.ops) o.thread = static_cast<std::uint8_t>(map[o.thread]);
  if (fails(c)) s = std::move(c);
  return s;
}

}  // namespace fuzz
