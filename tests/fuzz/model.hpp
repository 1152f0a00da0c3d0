// The reference model of the run-time validator's verdicts, for differential testing
// (tests/fuzz). Obviously correct and slow: held stacks are vectors, the class graph is a
// map of edges, and "does this edge close a deadlock" enumerates every simple path (the
// recursive-read rule straight from its definition). No chain cache, no ranks, no hashes:
// every acquisition is checked in full, so the validator's caching must not change what
// it reports. It knows nothing of lockorder's headers; docs/testing.md lists its rules.
#pragma once

#include <algorithm>
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

// Static classes the objects take their own class from (family): unranked, or a level.
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

struct object {
  obj_kind kind;
  std::uint8_t family;  // index into families
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
};
inline constexpr int op_kind_count = 11;

struct op {
  std::uint8_t thread;
  op_kind kind;
  std::uint8_t obj;
  bool shared = false;  // unlock: call unlock_shared() (rw only)
};

struct sequence {
  unsigned threads = 1;
  std::vector<object> objects;
  std::vector<op> ops;
};

inline bool is_lock(const object& o) { return o.kind != obj_kind::completion; }
inline bool is_rw(const object& o) { return o.kind == obj_kind::rw || o.kind == obj_kind::rw_recursive; }

// Makes any op valid for its object (the fuzzer's bytes can ask for anything).
inline op normalize(op o, const std::vector<object>& objects) {
  const object& obj = objects[o.obj];
  const int k = static_cast<int>(o.kind);
  if (obj.kind == obj_kind::completion) {
    if (k < static_cast<int>(op_kind::wait)) o.kind = static_cast<op_kind>(static_cast<int>(op_kind::wait) + k % 4);
    o.shared = false;
    return o;
  }
  if (k >= static_cast<int>(op_kind::wait)) o.kind = k % 2 ? op_kind::lock : op_kind::might_lock;
  if (!is_rw(obj)) {
    if (o.kind == op_kind::lock_shared) o.kind = op_kind::lock;
    if (o.kind == op_kind::try_lock_shared) o.kind = op_kind::try_lock;
    if (o.kind == op_kind::might_lock_shared) o.kind = op_kind::might_lock;
    o.shared = false;
  }
  if (o.kind != op_kind::unlock) o.shared = false;
  return o;
}

inline std::string object_name(const std::vector<object>& objects, std::size_t i) {
  return (objects[i].kind == obj_kind::completion ? "C" : "L") + std::to_string(i);
}

// ---- verdicts ------------------------------------------------------------------------

// A report as compared: its kind (lockorder::report_kind's value) and the classes named.
// circular_dependency: {from, to} of the new dependency; order_violation: {held,
// acquiring}; recursive_lock and bad_unlock: {the lock}. Completions read "(completion)C3".
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
inline constexpr int k_circular = 0, k_order = 1, k_recursive = 2, k_bad_unlock = 3;

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

  explicit model(const sequence& s) : objects_(s.objects), held_(s.threads) {
    excl_.resize(objects_.size());
    readers_.resize(objects_.size());
    completion_.resize(objects_.size());
  }

  /// Applies one op; returns the reports the validator must deliver for it.
  /// `tried` receives whether a try-lock succeeds.
  std::vector<verdict> step(const op& o, bool* tried = nullptr) {
    out_.clear();
    const object& obj = objects_[o.obj];
    const int t = o.thread;
    const mode shared_mode = obj.kind == obj_kind::rw_recursive ? recursive_read : read;
    switch (o.kind) {
      case op_kind::lock:
        acquire(t, o.obj, exclusive, false);
        ++excl_[o.obj];
        break;
      case op_kind::lock_shared:
        acquire(t, o.obj, shared_mode, false);
        ++readers_[o.obj];
        break;
      case op_kind::try_lock: {
        const bool ok = excl_[o.obj] <= 0 && readers_[o.obj] <= 0;  // the fake lock's rule
        if (tried) *tried = ok;
        if (ok) acquire(t, o.obj, exclusive, true), ++excl_[o.obj];
        break;
      }
      case op_kind::try_lock_shared: {
        const bool ok = excl_[o.obj] <= 0;
        if (tried) *tried = ok;
        if (ok) acquire(t, o.obj, shared_mode, true), ++readers_[o.obj];
        break;
      }
      case op_kind::unlock: {
        auto& h = held_[t];
        auto it = std::find_if(h.rbegin(), h.rend(), [&](const entry& e) { return e.obj == o.obj; });
        if (it == h.rend()) {  // reported every time; not performed
          out_.push_back({k_bad_unlock, {name(o.obj)}});
          break;
        }
        h.erase(std::next(it).base());  // the innermost record of this lock
        --(o.shared ? readers_ : excl_)[o.obj];
        break;
      }
      case op_kind::might_lock: momentary(t, o.obj, exclusive, false, false); break;
      case op_kind::might_lock_shared: momentary(t, o.obj, shared_mode, false, false); break;
      case op_kind::wait: momentary(t, o.obj, exclusive, true, false); break;
      case op_kind::wait_for: break;  // timed: recovers by itself, not recorded
      case op_kind::complete:
      case op_kind::complete_all: momentary(t, o.obj, exclusive, false, true); break;
    }
    return out_;
  }

  /// What thread t holds, outermost first (names as the validator gives them).
  std::vector<std::string> held_names(int t) const {
    std::vector<std::string> v;
    for (const entry& e : held_[static_cast<std::size_t>(t)]) v.push_back(object_name(objects_, e.obj));
    return v;
  }
  /// The unlocks that release everything still held, innermost first per thread.
  std::vector<op> cleanup() const {
    std::vector<op> ops;
    for (std::size_t t = 0; t < held_.size(); ++t)
      for (auto it = held_[t].rbegin(); it != held_[t].rend(); ++it)
        ops.push_back({static_cast<std::uint8_t>(t), op_kind::unlock, static_cast<std::uint8_t>(it->obj),
                       it->m != exclusive});
    return ops;
  }
  std::size_t depth(int t) const { return held_[static_cast<std::size_t>(t)].size(); }
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
  struct entry {
    int obj;
    mode m;
    bool tried;
  };

  std::string name(int obj) const {
    return (completion_[static_cast<std::size_t>(obj)] ? "(completion)" : "") + object_name(objects_, static_cast<std::size_t>(obj));
  }
  int index_of(const std::string& n) const {
    for (std::size_t i = 0; i < objects_.size(); ++i)
      if (name(static_cast<int>(i)) == n) return static_cast<int>(i);
    return -1;
  }
  const family_info& fam(int obj) const { return families[objects_[static_cast<std::size_t>(obj)].family]; }
  bool first(int kind, int a, int b) { return reported_.insert({kind, a, b}).second; }

  void acquire(int t, int obj, mode m, bool tried) {
    check(t, {obj, m, tried}, false, false);
    held_[static_cast<std::size_t>(t)].push_back({obj, m, tried});
  }
  // Checked like an acquisition, never held; nothing to check with nothing held.
  void momentary(int t, int obj, mode m, bool wait, bool complete) {
    if (held_[static_cast<std::size_t>(t)].empty()) return;
    check(t, {obj, m, false}, wait, complete);
  }

  // The validator's rules for one acquisition (or wait, or signal) `e` by thread t.
  void check(int t, entry e, bool wait, bool complete) {
    if (wait || complete) completion_[static_cast<std::size_t>(e.obj)] = true;
    const auto& h = held_[static_cast<std::size_t>(t)];
    const bool e_reader = e.m == recursive_read;
    // 1. The same lock again (each lock has its own class): AA, unless both are
    //    recursive readers. Signalling while holding is not recursion.
    if (!complete)
      for (const entry& x : h)
        if (x.obj == e.obj && !(e_reader && x.m == recursive_read)) {
          if (first(k_recursive, e.obj, 0)) out_.push_back({k_recursive, {name(e.obj)}});
          break;
        }
    // 2. Levels, between ranked classes of different families: an acquisition (or wait)
    //    needs every held level below its own, a signal every held level above. The
    //    held class named is the worst, the outermost of equals. Try-locks are exempt.
    const family_info& ef = fam(e.obj);
    auto broken = [&](int held_obj) {
      const family_info& hf = fam(held_obj);
      return ef.ranked && hf.ranked && &hf != &ef &&
             (complete ? hf.level <= ef.level : hf.level >= ef.level);
    };
    if (ef.ranked && !e.tried) {
      int worst = -1;
      for (const entry& x : h)
        if (broken(x.obj) && (worst < 0 || (complete ? fam(x.obj).level < fam(worst).level
                                                     : fam(x.obj).level > fam(worst).level)))
          worst = x.obj;
      if (worst >= 0 && first(k_order, objects_[static_cast<std::size_t>(worst)].family, objects_[static_cast<std::size_t>(e.obj)].family))
        out_.push_back({k_order, {name(worst), name(e.obj)}});
    }
    // 3. Dependencies. A signal: completion -> every held lock. A try-lock: none into it.
    //    Otherwise from the nearest held lock, and on down past try-locks and recursive
    //    readers (they do not carry the order on).
    auto learn = [&](const entry& x, bool reverse) {
      if (x.obj == e.obj || broken(x.obj)) return;  // a level break is not learned
      const bool x_reader = x.m == recursive_read;
      const int from = reverse ? e.obj : x.obj, to = reverse ? x.obj : e.obj;
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
    for (auto it = h.rbegin(); it != h.rend(); ++it) {
      learn(*it, false);
      if (!it->tried && it->m != recursive_read) break;
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
    std::vector<bool> on(objects_.size());
    on[static_cast<std::size_t>(to)] = true;
    auto dfs = [&](auto& self) -> void {
      if (best >= 0 && static_cast<int>(path.size()) - 1 >= best) return;
      const int at = path.back();
      if (at == from) {
        if (strong(path, closing)) best = static_cast<int>(path.size()) - 1;
        return;
      }
      for (const auto& [key, kinds] : edges_) {
        if (key.first != at || on[static_cast<std::size_t>(key.second)]) continue;
        on[static_cast<std::size_t>(key.second)] = true;
        path.push_back(key.second);
        self(self);
        path.pop_back();
        on[static_cast<std::size_t>(key.second)] = false;
      }
    };
    dfs(dfs);
    return best;
  }

  std::vector<object> objects_;
  std::vector<std::vector<entry>> held_;
  std::vector<int> excl_, readers_;  // the fake underlying locks' counts
  std::vector<bool> completion_;     // waited for or signalled while holding something
  std::map<std::pair<int, int>, std::uint8_t> edges_;
  // Dependencies that closed a cycle: the first kind seen, and the shortest path then.
  std::map<std::pair<int, int>, std::pair<std::uint8_t, int>> rejected_;
  std::set<std::tuple<int, int, int>> reported_;
  std::vector<verdict> out_;
};

}  // namespace fuzz
