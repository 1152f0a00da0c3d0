// The differential driver: random multi-thread sequences of lock operations, each
// replayed against the run-time validator and against the reference model (model.hpp),
// whose verdicts must agree after every operation. On a mismatch it prints the seed and
// the shrunk sequence, and fails. docs/testing.md describes it.
//
//   lockorder_fuzz_driver [--seed N] [--sequences N] [--threads N] [--ops N] [--objects N]
//                         [--inject-at N]
//
// --threads: at most this many virtual threads per sequence (1..8, default 3);
// --ops: at most this many operations per sequence (1..47, default 32), then the
// unlocks of whatever is still held; --objects: at most this many locks and completions
// (2..12, default 6); --inject-at N: tell the model a wrong verdict at op N of every
// sequence (a check of the check: the run must fail).
#include "replay.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace {

using namespace fuzz;

// A random sequence, biased towards the interesting: few objects (so threads meet on
// them), mostly unranked, half the locks sharing their family's class (so a class has
// 1 to a few locks), acquisitions while holding, unlocks mostly in LIFO order.
sequence generate(std::mt19937_64& rng, unsigned max_threads, unsigned max_ops,
                  unsigned max_objects) {
  auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  sequence s;
  s.threads = max_threads == 1 ? 1 : pick(5) == 0 ? 1 : 2 + pick(max_threads - 1);
  const unsigned nobj = 2 + pick(max_objects - 1);
  for (unsigned i = 0; i < nobj; ++i) {
    const unsigned k = pick(10);
    object o{k < 4 ? obj_kind::mutex : k < 6 ? obj_kind::rw : k < 8 ? obj_kind::rw_recursive
                                                                     : obj_kind::completion,
             static_cast<std::uint8_t>(pick(10) < 6 ? 0 : 1 + pick(family_count - 1)),
             k < 8 && pick(2) == 0};
    s.objects.push_back(o);
  }
  std::vector<unsigned> locks, completions;
  for (unsigned i = 0; i < nobj; ++i) (is_lock(s.objects[i]) ? locks : completions).push_back(i);
  if (locks.empty()) {
    s.objects[0].kind = obj_kind::mutex;
    locks.push_back(0);
    completions.erase(completions.begin());
  }
  model m(s);  // the state the choices depend on
  const unsigned nops = 1 + pick(max_ops);
  std::uint8_t t = 0;
  for (unsigned i = 0; i < nops; ++i) {
    if (i == 0 || pick(5) < 2) t = static_cast<std::uint8_t>(pick(s.threads));  // runs of ops
    const std::size_t depth = m.depth(t);
    op o{t, op_kind::lock, 0};
    const unsigned r = pick(100);
    const unsigned unlock_below = 3 + (depth == 0 ? 0 : depth >= 5 ? 70 : 30);
    if (r >= 3 && r < unlock_below && m.live_groups(t) && pick(3) == 0) {
      o.kind = op_kind::unlock_group;  // the newest lock_all() guard
    } else if (r < 3) {  // a bad unlock (unless the thread happens to hold it)
      o.kind = op_kind::unlock;
      o.obj = static_cast<std::uint8_t>(locks[pick(static_cast<unsigned>(locks.size()))]);
      o.shared = is_rw(s.objects[o.obj]) && pick(2);
    } else if (r < unlock_below) {  // unlock something held, mostly the innermost
      const auto held = m.held_objects(t);
      const std::size_t at = pick(4) == 0 ? pick(static_cast<unsigned>(depth)) : depth - 1;
      o.kind = op_kind::unlock;
      o.obj = static_cast<std::uint8_t>(held[at]);
      o.shared = m.top_mode_is_shared(t, o.obj);
    } else if (!completions.empty() && r < unlock_below + 17) {
      o.obj = static_cast<std::uint8_t>(completions[pick(static_cast<unsigned>(completions.size()))]);
      const unsigned w = pick(10);
      o.kind = w < 5 ? op_kind::wait : w < 6 ? op_kind::wait_for : w < 9 ? op_kind::complete
                                                                            : op_kind::complete_all;
    } else {  // an acquisition, mostly of a lock not held yet
      unsigned obj = locks[pick(static_cast<unsigned>(locks.size()))];
      for (int tries = 0; tries < 3 && m.holds(t, static_cast<int>(obj)); ++tries)
        obj = locks[pick(static_cast<unsigned>(locks.size()))];
      o.obj = static_cast<std::uint8_t>(obj);
      const bool rw = is_rw(s.objects[obj]);
      const unsigned a = pick(24);
      o.kind = a < 2 ? op_kind::try_lock : a < 3 ? op_kind::might_lock
               : rw && a < 5 ? op_kind::try_lock_shared : rw && a < 6 ? op_kind::might_lock_shared
               : rw && a < 13 ? op_kind::lock_shared : a >= 20 && a < 22 ? op_kind::lock_nested
               : a >= 22 ? op_kind::lock_all : op_kind::lock;
      o.sub = static_cast<std::uint8_t>(pick(2));
      if (o.kind == op_kind::lock_all) {  // 1 to 3 members of obj's type (repeats possible)
        std::vector<unsigned> peers;
        for (unsigned p : locks)
          if (same_type(s.objects[p], s.objects[obj])) peers.push_back(p);
        o.n_more = static_cast<std::uint8_t>(pick(3));
        for (std::uint8_t i = 0; i < o.n_more; ++i)
          o.more[i] = static_cast<std::uint8_t>(peers[pick(static_cast<unsigned>(peers.size()))]);
      }
    }
    o = normalize(o, s.objects);
    m.step(o);
    s.ops.push_back(o);
  }
  return s;
}

unsigned long long arg(int argc, char** argv, const char* name, unsigned long long def,
                       unsigned long long lo, unsigned long long hi) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(argv[i + 1], &end, 0);
      if (*end || v < lo || v > hi) {
        std::fprintf(stderr, "lockorder_fuzz_driver: %s must be in [%llu, %llu]\n", name, lo, hi);
        std::exit(2);
      }
      return v;
    }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i += 2)
    if (std::strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
      std::fprintf(stderr,
                   "usage: %s [--seed N] [--sequences N] [--threads 1..8] [--ops 1..47] "
                   "[--objects 2..12] [--inject-at N]\n",
                   argv[0]);
      return 2;
    }
  const auto seed = arg(argc, argv, "--seed", 1, 0, ~0ULL);
  const auto sequences = arg(argc, argv, "--sequences", 1000, 1, ~0ULL);
  const auto threads = static_cast<unsigned>(arg(argc, argv, "--threads", 3, 1, 8));
  const auto max_ops = static_cast<unsigned>(arg(argc, argv, "--ops", 32, 1, 47));
  const auto max_objects = static_cast<unsigned>(arg(argc, argv, "--objects", 6, 2, 12));
  const auto inject = static_cast<std::size_t>(arg(argc, argv, "--inject-at", SIZE_MAX, 0, SIZE_MAX));

  replayer r(threads);
  const auto start = std::chrono::steady_clock::now();
  unsigned long long ops = 0;
  for (unsigned long long i = 0; i < sequences; ++i) {
    // One generator per sequence: sequence i of a seed is reproducible on its own.
    std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + i);
    const sequence s = generate(rng, threads, max_ops, max_objects);
    const outcome res = r.run(s, inject);
    ops += s.ops.size();
    if (res.ok) continue;
    std::printf("MISMATCH: --seed %llu, sequence %llu (of --threads %u --ops %u --objects %u)\n",
                seed, i, threads, max_ops, max_objects);
    std::printf("at op %zu: %s\nthe sequence:\n%s", res.failed_at, res.what.c_str(),
                describe(s).c_str());
    const sequence small = inject == SIZE_MAX ? shrink(r, s) : s;
    const outcome again = r.run(small, inject);
    std::printf("shrunk to:\n%sfails at op %zu: %s\n", describe(small).c_str(), again.failed_at,
                again.what.c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("lockorder_fuzz_driver: --seed %llu: %llu sequences, %llu ops agree with the model "
              "(%.1f s, %.0f sequences/s, %.0f ops/s)\n",
              seed, sequences, ops, secs, static_cast<double>(sequences) / secs,
              static_cast<double>(ops) / secs);
  const auto& seen = r.reports_seen();
  std::printf("reports: %llu circular_dependency, %llu order_violation, %llu recursive_lock, "
              "%llu bad_unlock\n", seen[0], seen[1], seen[2], seen[3]);
  return 0;
}
