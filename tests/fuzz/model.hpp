// The reference model of the run-time validator's verdicts, for differential testing
// (tests/fuzz). Obviously correct and slow: held stacks are vectors, the class graph is a
// map of edges, and "does this edge close a deadlock" enumerates every simple path (the
// recursive-read rule straight from its definition). No chain cache, no ranks, no hashes:
// every acquisition is checked in full, so the validator's caching must not change what
// it reports. It knows nothing of lockorder's headers; docs/testing.md lists its rules.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace fuzz {

// ---- a sequence ----------------------------------------------------------------------

enum class obj_kind : std::uint8_t { mutex, rw, rw_recursive, completion };

// The static classes (families) objects take their class from: unranked, or a level.
struct family_info {
  const char* name;
  bool ranked;
  int level;
};
inline constexpr family_info families[] = {
    {"fz_free", false, 0}, {"fz_l10", true, 10}, {"fz_l20", true, 20},
    {"fz_l20b", true, 20}, {"fz_l30", true, 30},
};
inline constexpr int family_count = 5;

// An object's class: the family's static class itself, shared with every other object
// of the family that has `shared_class` (locks only), or a class of its own made from
// the family (lockorder::own_class, named after the object: "L3", "C4").
struct object {
  obj_kind kind;
  std::uint8_t family;  // index into families
  bool shared_class = false;
};

enum class op_kind : std::uint8_t {
  lock,               // lock()
  lock_shared,        // lock_shared(): rw only
  try_lock,           // try_lock()
  try_lock_shared,    // try_lock_shared(): rw only
  unlock,             // unlock(), or unlock_shared() when `shared`; a bad unlock if not held
  might_lock,         // might_lock()
  might_lock_shared,  // might_lock_shared(): rw only
  wait,               // completion: wait() (never blocks: completed beforehand)
  wait_for,           // completion: wait_for(0): not recorded
  complete,           // completion: complete()
  complete_all,       // completion: complete_all()
  lock_nested,        // lock_nested(sub), sub 1..2: class "C/sub"
  lock_all,           // lockorder::unlocked().lock_all(obj, more...): one group, kept held
  unlock_group,       // destroys the thread's newest lock_all() guard (none: nothing)
};
inline constexpr int op_kind_count = 14;

struct op {
  std::uint8_t thread;
  op_kind kind;
  std::uint8_t obj;
  bool shared = false;     // unlock: call unlock_shared() (rw only)
  std::uint8_t sub = 0;    // lock_nested: the subclass
  std::uint8_t n_more = 0; // lock_all: members besides obj (of obj's C++ type)
  std::array<std::uint8_t, 2> more{};
};

struct sequence {
  unsigned threads = 1;
  std::vector<object> objects;
  std::vector<op> ops;
};

inline bool is_lock(const object& o) { return o.kind != obj_kind::completion; }
inline bool is_rw(const object& o) { return o.kind == obj_kind::rw || o.kind == obj_kind::rw_recursive; }
// lock_all() members are of one C++ type (the replayer instantiates one group type per
// lock type): same kind and family; shared or own class may differ.
inline bool same_type(const object& a, const object& b) { return a.kind == b.kind && a.family == b.family; }

// Makes any op valid for its object (the fuzzer's bytes can ask for anything).
inline op normalize(op o, const std::vector<object>& objects) {
  const object& obj = objects[o.obj];
  int k = static_cast<int>(o.kind);
  if (o.kind == op_kind::unlock_group) {
    o.shared = false, o.sub = 0, o.n_more = 0, o.more = {};
    return o;
  }
  if (obj.kind == obj_kind::completion) {
    if (k < static_cast<int>(op_kind::wait) || k > static_cast<int>(op_kind::complete_all))
      o.kind = static_cast<op_kind>(static_cast<int>(op_kind::wait) + k % 4);
    o.shared = false, o.sub = 0, o.n_more = 0, o.more = {};
    return o;
  }
  if (k >= static_cast<int>(op_kind::wait) && k <= static_cast<int>(op_kind::complete_all))
    o.kind = k % 2 ? op_kind::lock : op_kind::might_lock;
  if (!is_rw(obj)) {
    if (o.kind == op_kind::lock_shared) o.kind = op_kind::lock;
    if (o.kind == op_kind::try_lock_shared) o.kind = op_kind::try_lock;
    if (o.kind == op_kind::might_lock_shared) o.kind = op_kind::might_lock;
    o.shared = false;
  }
  if (o.kind != op_kind::unlock) o.shared = false;
  if (o.kind == op_kind::lock_nested) o.sub = static_cast<std::uint8_t>(1 + o.sub % 2);
  else o.sub = 0;
  if (o.kind == op_kind::lock_all) {  // members of another type are dropped
    std::uint8_t n = 0;
    for (std::uint8_t i = 0; i < o.n_more && i < 2; ++i)
      if (o.more[i] < objects.size() && same_type(objects[o.more[i]], obj)) o.more[n++] = o.more[i];
    o.n_more = n;
    for (std::uint8_t i = n; i < 2; ++i) o.more[i] = 0;
  } else {
    o.n_more = 0, o.more = {};
  }
  return o;
}

inline std::string object_name(const std::vector<object>& objects, std::size_t i) {
  return (objects[i].kind == obj_kind::completion ? "C" : "L") + std::to_string(i);
}

// ---- verdicts ------------------------------------------------------------------------

// A report as compared: its kind (lockorder::report_kind's value) and what it names.
// circular_dependency: {from, to} class of the new dependency; order_violation: {held,
// acquiring}; recursive_lock: {the class, "same lock" | "second lock"} (the message says
// which); bad_unlock: {the class}; stale_context: {}. Completions read "(completion)C3".
struct verdict {
  int kind;
  std::vector<std::string> classes;
  friend bool operator<(const verdict& a, const verdict& b) {
    return std::tie(a.kind, a.classes) < std::tie(b.kind, b.classes);
  }
  friend bool operator==(const verdict& a, const verdict& b) {
    return a.kind == b.kind && a.classes == b.classes;
  }
};

// report_kind values (report.hpp), repeated so the model stands alone.
inline constexpr int k_circular = 0, k_order = 1, k_recursive = 2, k_bad_unlock = 3, k_stale = 7;
inline const std::string same_lock = "same lock", second_lock = "second lock";

// Edge kinds: bit (from held as recursive reader * 2 + to taken as one), as in graph.hpp.
inline constexpr std::uint8_t nn = 1, nr = 2, rn = 4, rr = 8;
inline constexpr std::uint8_t edge_bit(bool from_reader, bool to_reader) {
  return static_cast<std::uint8_t>(1u << (from_reader * 2 + to_reader));
}
inline bool from_r(std::uint8_t bit) { return bit & (rn | rr); }
inline bool to_r(std::uint8_t bit) { return bit & (nr | rr); }

class model {
 public:
  enum mode { exclusive, read, recursive_read };

  explicit model(const sequence& s) : objects_(s.objects), held_(s.threads), groups_(s.threads) {
    excl_.resize(objects_.size());
    readers_.resize(objects_.size());
    for (int f = 0; f < family_count; ++f) classes_.push_back({families[f].name, f, false});
    for (std::size_t i = 0; i < objects_.size(); ++i)
      classes_.push_back({object_name(objects_, i), objects_[i].family, false});
  }

  /// Applies one op; returns the reports the validator must deliver for it.
  /// `tried` receives whether a try-lock succeeds.
  std::vector<verdict> step(const op& o, bool* tried = nullptr) {
    out_.clear();
    const object& obj = objects_[o.obj];
    const int t = o.thread;
    const mode shared_mode = obj.kind == obj_kind::rw_recursive ? recursive_read : read;
    const int cls = class_of(o.obj);
    switch (o.kind) {
      case op_kind::lock:
        acquire(t, {o.obj, cls, exclusive, false, false});
        ++excl_[o.obj];
        break;
      case op_kind::lock_nested:
        acquire(t, {o.obj, subclass(cls, o.sub), exclusive, false, false});
        ++excl_[o.obj];
        break;
      case op_kind::lock_shared:
        acquire(t, {o.obj, cls, shared_mode, false, false});
        ++readers_[o.obj];
        break;
      case op_kind::try_lock: {
        const bool ok = excl_[o.obj] <= 0 && readers_[o.obj] <= 0;  // the fake lock's rule
        if (tried) *tried = ok;
        if (ok) acquire(t, {o.obj, cls, exclusive, true, false}), ++excl_[o.obj];
        break;
      }
      case op_kind::try_lock_shared: {
        const bool ok = excl_[o.obj] <= 0;
        if (tried) *tried = ok;
        if (ok) acquire(t, {o.obj, cls, shared_mode, true, false}), ++readers_[o.obj];
        break;
      }
      case op_kind::lock_all: {
        // unlocked() while a guard of this thread lives: a stale context (once per source
        // line: lock_all()'s, the same for every call).
        if (!groups_[static_cast<std::size_t>(t)].empty() && first(k_stale, 0, 0)) out_.push_back({k_stale, {}});
        // Taken in order of level (one type: equal), then address (the replayer's objects
        // lie in index order); every member after the first is flagged group-next.
        std::vector<int> members{o.obj};
        for (std::uint8_t i = 0; i < o.n_more; ++i) members.push_back(o.more[i]);
        std::stable_sort(members.begin(), members.end());
        for (std::size_t k = 0; k < members.size(); ++k) {
          acquire(t, {members[k], class_of(members[k]), exclusive, false, k > 0});
          ++excl_[static_cast<std::size_t>(members[k])];
        }
        groups_[static_cast<std::size_t>(t)].push_back(members);
        break;
      }
      case op_kind::unlock_group: {
        auto& g = groups_[static_cast<std::size_t>(t)];
        if (g.empty()) break;
        const std::vector<int> members = g.back();
        g.pop_back();
        for (std::size_t k = members.size(); k-- > 0;) release(t, members[k], false);
        break;
      }
      case op_kind::unlock: release(t, o.obj, o.shared); break;
      case op_kind::might_lock: momentary(t, {o.obj, cls, exclusive, false, false}, false, false); break;
      case op_kind::might_lock_shared: momentary(t, {o.obj, cls, shared_mode, false, false}, false, false); break;
      case op_kind::wait: momentary(t, {o.obj, cls, exclusive, false, false}, true, false); break;
      case op_kind::wait_for: break;  // timed: recovers by itself, not recorded
      case op_kind::complete:
      case op_kind::complete_all: momentary(t, {o.obj, cls, exclusive, false, false}, false, true); break;
    }
    return out_;
  }

  /// What thread t holds, outermost first (class names as the validator gives them).
  std::vector<std::string> held_names(int t) const {
    std::vector<std::string> v;
    for (const entry& e : held_[static_cast<std::size_t>(t)]) v.push_back(classes_[static_cast<std::size_t>(e.cls)].name);
    return v;
  }
  /// The objects thread t holds, outermost first.
  std::vector<int> held_objects(int t) const {
    std::vector<int> v;
    for (const entry& e : held_[static_cast<std::size_t>(t)]) v.push_back(e.obj);
    return v;
  }
  /// The ops that release everything still held: the lock_all() guards, newest first,
  /// then the unlocks of what remains, innermost first; per thread.
  std::vector<op> cleanup() const {
    model m = *this;
    std::vector<op> ops;
    for (std::size_t t = 0; t < held_.size(); ++t) {
      const auto th = static_cast<std::uint8_t>(t);
      while (!m.groups_[t].empty()) {
        ops.push_back({th, op_kind::unlock_group, 0});
        m.step(ops.back());
      }
      for (auto it = m.held_[t].rbegin(); it != m.held_[t].rend(); ++it)
        ops.push_back({th, op_kind::unlock, static_cast<std::uint8_t>(it->obj), it->m != exclusive});
    }
    return ops;
  }
  std::size_t depth(int t) const { return held_[static_cast<std::size_t>(t)].size(); }
  std::size_t live_groups(int t) const { return groups_[static_cast<std::size_t>(t)].size(); }
  bool holds(int t, int obj) const {
    for (const entry& e : held_[static_cast<std::size_t>(t)])
      if (e.obj == obj) return true;
    return false;
  }
  int top_mode_is_shared(int t, int obj) const {
    const auto& h = held_[static_cast<std::size_t>(t)];
    for (auto it = h.rbegin(); it != h.rend(); ++it)
      if (it->obj == obj) return it->m != exclusive;
    return 0;
  }

  /// Is `chain` (a cycle report's dependencies; the last is the new one, from -> to) made
  /// of a path to -> ... -> from of known dependencies that is simple, closes a deadlock
  /// with the new one, and is as short as any was when it was rejected? Empty string if
  /// so, else why not. (Call it right after the step that reported it.)
  std::string check_cycle(const std::vector<std::pair<std::string, std::string>>& chain) const {
    if (chain.size() < 2) return "a cycle report with fewer than 2 dependencies";
    const auto [from_name, to_name] = chain.back();
    const int from = index_of(from_name), to = index_of(to_name);
    if (from < 0 || to < 0) return "unknown class in the new dependency";
    const auto it = rejected_.find({from, to});
    if (it == rejected_.end()) return "the model rejected no dependency " + from_name + " -> " + to_name;
    const auto [bit, shortest] = it->second;
    std::vector<int> path{to};
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
      const int a = index_of(chain[i].first), b = index_of(chain[i].second);
      if (a != path.back()) return "chain is not connected at " + chain[i].first;
      if (b < 0 || !edges_.count({a, b})) return "no dependency " + chain[i].first + " -> " + chain[i].second;
      path.push_back(b);
    }
    if (path.back() != from) return "chain does not end at " + from_name;
    if (std::set<int>(path.begin(), path.end()).size() != path.size()) return "chain is not simple";
    if (!strong(path, bit)) return "chain does not make a deadlock (recursive-read rule)";
    if (static_cast<int>(path.size()) - 1 != shortest)
      return "chain of " + std::to_string(path.size() - 1) + " dependencies, the shortest has " +
             std::to_string(shortest);
    return {};
  }

 private:
  // Classes: the families' static classes (ids 0..family_count-1), each object's own
  // class (family_count + object), then nesting subclasses as they are first used.
  struct class_info {
    std::string name;
    int family;  // levels order families; within one, order is learned
    bool completion;  // waited for or signalled while holding: reports add "(completion)"
  };
  struct entry {
    int obj;
    int cls;
    mode m;
    bool tried;
    bool group_next;  // a lock_all() member after the group's first
  };

  int class_of(int obj) const {
    const object& o = objects_[static_cast<std::size_t>(obj)];
    return o.shared_class && is_lock(o) ? o.family : family_count + obj;
  }
  // "C/sub": C's level and family (so never level-checked against C or its subclasses).
  int subclass(int cls, int sub) {
    const auto [it, added] = subclasses_.emplace(std::pair{cls, sub}, static_cast<int>(classes_.size()));
    if (added)
      classes_.push_back({classes_[static_cast<std::size_t>(cls)].name + "/" + std::to_string(sub),
                          classes_[static_cast<std::size_t>(cls)].family, false});
    return it->second;
  }
  std::string name(int cls) const {
    const class_info& c = classes_[static_cast<std::size_t>(cls)];
    return (c.completion ? "(completion)" : "") + c.name;
  }
  int index_of(const std::string& n) const {
    for (std::size_t i = 0; i < classes_.size(); ++i)
      if (name(static_cast<int>(i)) == n) return static_cast<int>(i);
    return -1;
  }
  const family_info& fam(int cls) const { return families[classes_[static_cast<std::size_t>(cls)].family]; }
  bool first(int kind, int a, int b) { return reported_.insert({kind, a, b}).second; }

  void acquire(int t, entry e) {
    check(t, e, false, false);
    held_[static_cast<std::size_t>(t)].push_back(e);
  }
  // Releases the innermost record of `obj`; releasing a lock not held, or held in the
  // other mode (unlock() of a shared hold, unlock_shared() of an exclusive one), is
  // reported, every time, and not performed.
  void release(int t, int obj, bool shared) {
    auto& h = held_[static_cast<std::size_t>(t)];
    auto it = std::find_if(h.rbegin(), h.rend(), [&](const entry& e) { return e.obj == obj; });
    if (it == h.rend() || (it->m != exclusive) != shared) {
      out_.push_back({k_bad_unlock, {name(class_of(obj))}});
      return;
    }
    h.erase(std::next(it).base());
    --(shared ? readers_ : excl_)[static_cast<std::size_t>(obj)];
  }
  // Checked like an acquisition, never held; nothing to check with nothing held.
  void momentary(int t, entry e, bool wait, bool complete) {
    if (held_[static_cast<std::size_t>(t)].empty()) return;
    check(t, e, wait, complete);
  }

  // The validator's rules for one acquisition (or wait, or signal) `e` by thread t.
  void check(int t, entry e, bool wait, bool complete) {
    if (wait || complete) classes_[static_cast<std::size_t>(e.cls)].completion = true;
    const auto& h = held_[static_cast<std::size_t>(t)];
    const bool e_reader = e.m == recursive_read;
    // A lock_all() member after the first is checked and ordered against what is held
    // below its group only (the first entry of the group and up are its group).
    std::size_t group = h.size();
    if (e.group_next) {
      group = h.empty() ? 0 : h.size() - 1;
      while (group > 0 && h[group].group_next) --group;
    }
    // 1. A class held already: recursion, unless both are recursive readers; a try-lock
    //    only of the very lock; members of one group only of the very lock. The very
    //    lock first (it deadlocks now), then another of the class, outermost first; one
    //    report per (class, same lock or not): a held entry whose case was reported
    //    already is passed over, and the first one not reported is.
    //    Signalling while holding is not recursion.
    if (!complete) {
      bool reported = false;
      for (int pass = 0; pass < 2 && !reported; ++pass)
        for (std::size_t i = 0; i < h.size() && !reported; ++i) {
          const entry& x = h[i];
          const bool same = x.obj == e.obj;
          if (same != (pass == 0)) continue;
          if (x.cls != e.cls || (i >= group && !same)) continue;
          if (e_reader && x.m == recursive_read) continue;
          if (e.tried && !same) continue;
          if (!first(k_recursive, e.cls, same)) continue;
          out_.push_back({k_recursive, {name(e.cls), same ? same_lock : second_lock}});
          reported = true;
        }
    }
    // 2. Levels, between ranked classes of different families: an acquisition (or wait)
    //    needs every held level below its own, a signal every held level above. The
    //    held class named is the worst, the outermost of equals. Try-locks are exempt.
    const family_info& ef = fam(e.cls);
    auto broken = [&](int held_cls) {
      const family_info& hf = fam(held_cls);
      return ef.ranked && hf.ranked && &hf != &ef &&
             (complete ? hf.level <= ef.level : hf.level >= ef.level);
    };
    if (ef.ranked && !e.tried) {
      int worst = -1;
      for (std::size_t i = 0; i < group; ++i) {
        const int c = h[i].cls;
        if (broken(c) && (worst < 0 || (complete ? fam(c).level < fam(worst).level
                                                 : fam(c).level > fam(worst).level)))
          worst = c;
      }
      if (worst >= 0 && first(k_order, classes_[static_cast<std::size_t>(worst)].family,
                              classes_[static_cast<std::size_t>(e.cls)].family))
        out_.push_back({k_order, {name(worst), name(e.cls)}});
    }
    // 3. Dependencies. A signal: completion -> every held lock. A try-lock: none into it.
    //    Otherwise from the nearest held lock below the group, and on down past try-locks,
    //    group members after a group's first, and recursive readers (they do not carry
    //    the order on). None between a class and itself.
    auto learn = [&](const entry& x, bool reverse) {
      if (x.cls == e.cls || broken(x.cls)) return;  // a level break is not learned
      const bool x_reader = x.m == recursive_read;
      const int from = reverse ? e.cls : x.cls, to = reverse ? x.cls : e.cls;
      const std::uint8_t bit = reverse ? edge_bit(false, x_reader) : edge_bit(x_reader, e_reader);
      auto it = edges_.find({from, to});
      if (it != edges_.end() && (it->second & bit)) return;
      if (const int len = shortest_strong_path(from, to, bit); len >= 0) {
        rejected_.emplace(std::pair{from, to}, std::pair{bit, len});
        if (first(k_circular, from, to)) out_.push_back({k_circular, {name(from), name(to)}});
        return;
      }
      edges_[{from, to}] |= bit;
    };
    if (complete) {
      for (auto it = h.rbegin(); it != h.rend(); ++it) learn(*it, true);
      return;
    }
    if (e.tried) return;
    for (std::size_t i = group; i-- > 0;) {
      learn(h[i], false);
      if (!h[i].tried && !h[i].group_next && h[i].m != recursive_read) break;
    }
  }

  // A cycle is a deadlock unless some lock on it is entered by a dependency that took it
  // as a recursive reader and left by one that held it as one.
  bool strong(const std::vector<int>& path, std::uint8_t closing) const {
    // ways: bit 1 = may have entered the current node as a writer, 2 = as a reader.
    unsigned ways = to_r(closing) ? 2 : 1;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const std::uint8_t kinds = edges_.at({path[i], path[i + 1]});
      unsigned next = 0;
      for (std::uint8_t bit : {nn, nr, rn, rr})
        for (unsigned w = 1; w <= 2; ++w)
          if ((ways & w) && (kinds & bit) && !(w == 2 && from_r(bit))) next |= to_r(bit) ? 2 : 1;
      if (!next) return false;
      ways = next;
    }
    return (ways & 1) || !from_r(closing);
  }

  // Length of the shortest simple path to -> ... -> from that, with from -> to seen as
  // `closing`, is a deadlock; -1 if none. Enumerates simple paths (small graphs only).
  int shortest_strong_path(int from, int to, std::uint8_t closing) const {
    if (from == to) return -1;
    int best = -1;
    std::vector<int> path{to};
    std::vector<bool> on(classes_.size());
    on[static_cast<std::size_t>(to)] = true;
    auto dfs = [&](auto& self) -> void {
      if (best >= 0 && static_cast<int>(path.size()) - 1 >= best) return;
      const int at = path.back();
      if (at == from) {
        if (strong(path, closing)) best = static_cast<int>(path.size()) - 1;
        return;
      }
      for (auto e = edges_.lower_bound({at, 0}); e != edges_.end() && e->first.first == at; ++e) {
        const int next = e->first.second;
        if (on[static_cast<std::size_t>(next)]) continue;
        on[static_cast<std::size_t>(next)] = true;
        path.push_back(next);
        self(self);
        path.pop_back();
        on[static_cast<std::size_t>(next)] = false;
      }
    };
    dfs(dfs);
    return best;
  }

  std::vector<object> objects_;
  std::vector<class_info> classes_;
  std::map<std::pair<int, int>, int> subclasses_;  // (class, sub) -> class
  std::vector<std::vector<entry>> held_;
  std::vector<std::vector<std::vector<int>>> groups_;  // per thread: live lock_all() guards
  std::vector<int> excl_, readers_;  // the fake underlying locks' counts
  std::map<std::pair<int, int>, std::uint8_t> edges_;
  // Dependencies that closed a cycle: the first kind seen, and the shortest path then.
  std::map<std::pair<int, int>, std::pair<std::uint8_t, int>> rejected_;
  std::set<std::tuple<int, int, int>> reported_;
  std::vector<verdict> out_;
};

}  // namespace fuzz
