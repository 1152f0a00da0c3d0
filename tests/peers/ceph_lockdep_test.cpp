// Ceph's lockdep tests, ported: src/test/common/test_lockdep.cc (abba, recursive), with
// Ceph's expected results (docs/peers.md#ceph).
//
// Ceph's lockdep keys a lock by its name (ceph::make_mutex("a")): every mutex named "a"
// is one node. lockorder keys it by its class, so a name maps to a LOCKORDER_CLASS. Ceph
// aborts on a report (EXPECT_DEATH); each case checks the report with a collector, and
// runs again as a death test: in a forked child with lockorder in abort mode, over real
// std::mutex locks, where the report must end the child before the thread blocks. The
// two runs use classes of their own, since a report is made once per class pair.
#define CATCH_CONFIG_MAIN
#include "peer_support.hpp"

#include <mutex>

using peers::kinds;
using lockorder::report_kind;

namespace ceph {

struct abba_report {
  LOCKORDER_CLASS(a);
  LOCKORDER_CLASS(b);
};
struct abba_death {
  LOCKORDER_CLASS(a);
  LOCKORDER_CLASS(b);
};

template <class K, class L>
void abba() {
  lockorder::mutex<typename K::a, L> a;
  lockorder::mutex<typename K::b, L> b;
  a.lock();
  b.lock();
  a.unlock();  // not LIFO, as Ceph's
  b.unlock();
  b.lock();
  a.lock();  // Ceph: EXPECT_DEATH
  a.unlock();
  b.unlock();
}

}  // namespace ceph

TEST_CASE("ceph: abba") {
  SECTION("reported") {
    report_collector c;
    ceph::abba<ceph::abba_report, std::mutex>();
    REQUIRE(peers::kinds_of(c) == kinds{report_kind::circular_dependency});
    const auto r = c.first(report_kind::circular_dependency);
    CHECK(r.acquiring.class_name == "ceph::abba_report::a");
    CHECK(r.chain.size() == 2);
  }
  SECTION("death test: abort mode ends the program before a.lock() blocks") {
    CHECK(peers::aborts_in_child([] { ceph::abba<ceph::abba_death, std::mutex>(); }));
  }
}

namespace ceph {

struct recursive_report {
  LOCKORDER_CLASS(a);
  LOCKORDER_CLASS(b);
};
struct recursive_death {
  LOCKORDER_CLASS(a);
  LOCKORDER_CLASS(b);
};

// ceph::mutex a; a.lock(); a.lock(): Ceph dies at the second lock.
template <class K, class L>
void relock_mutex() {
  lockorder::mutex<typename K::a, L> a;
  a.lock();
  a.lock();
  a.unlock();
  a.unlock();
}

// ceph::recursive_mutex b; b.lock() twice: allowed.
template <class K>
void relock_recursive_mutex() {
  lockorder::mutex<typename K::b, std::recursive_mutex> b;
  b.lock();
  b.lock();
  b.unlock();
  b.unlock();
}

}  // namespace ceph

TEST_CASE("ceph: recursive") {
  SECTION("a mutex taken twice: reported") {
    report_collector c;
    // A recursive_mutex underneath so that the collected run does not hang.
    ceph::relock_mutex<ceph::recursive_report, std::recursive_mutex>();
    REQUIRE(peers::kinds_of(c) == kinds{report_kind::recursive_lock});
    CHECK(c.first(report_kind::recursive_lock).message.find("this very lock") != std::string::npos);
  }
  SECTION("a mutex taken twice: death test, before the second lock() blocks") {
    CHECK(peers::aborts_in_child([] { ceph::relock_mutex<ceph::recursive_death, std::mutex>(); }));
  }
  SECTION("a recursive_mutex taken twice") {
    // differs: Ceph's lockdep lets a ceph::recursive_mutex be re-entered. lockorder has no
    // recursive exclusive lock: re-entering a held lock is an AA whatever lies underneath
    // (docs/runtime.md#what-is-detected), and in abort mode it ends the program.
    report_collector c;
    ceph::relock_recursive_mutex<ceph::recursive_report>();
    CHECK(peers::kinds_of(c) == kinds{report_kind::recursive_lock});
    CHECK(peers::aborts_in_child([] { ceph::relock_recursive_mutex<ceph::recursive_death>(); }));
  }
}
