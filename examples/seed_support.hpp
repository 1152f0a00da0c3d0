// Shared by the seed examples: print every report, count them by kind, name threads
// like the kernel tasks of the seed's splat. Not part of the library.
#pragma once

#include <lockorder/lockorder.hpp>

#include <pthread.h>

#include <shared_mutex>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <thread>

// The kernel's rw_semaphore is writer-fair: a reader waits behind a waiting writer, so
// two readers in opposite orders can deadlock with writers queued (lockdep: read=1).
// (libstdc++'s std::shared_mutex on glibc prefers readers, so it is not used for it.)
struct rw_semaphore : std::shared_mutex {};
template <>
inline constexpr bool lockorder::reader_recursive_v<rw_semaphore> = false;

struct seed_reports {
  std::map<lockorder::report_kind, int> count;
  std::vector<lockorder::report> all;
  lockorder::scoped_report_handler handler{[this](const lockorder::report& r) {
    ++count[r.kind];
    all.push_back(r);
    std::fputs(r.text().c_str(), stdout);
  }};
  int total() const {
    int n = 0;
    for (auto& [k, c] : count) n += c;
    return n;
  }
};

/// Runs f in a thread named `name` (as the seed's task) and waits for it: the code paths
/// of a deadlock run one after another, so nothing hangs, and the validator sees both.
inline void run_as(const char* name, const std::function<void()>& f) {
  std::thread t([&] {
    pthread_setname_np(pthread_self(), name);
    f();
  });
  t.join();
}
