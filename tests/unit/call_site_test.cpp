// lockorder::call_site: a project's own lock class wrapping lockorder's, without macros
// (docs/api.md#wrapping). Reports name the wrapper's caller, not the wrapper.
#include "report_collector.hpp"

#include <lockorder/lockorder.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

LOCKORDER_CLASS(cs_a);
LOCKORDER_CLASS(cs_b);

// A LevelDB-style port::Mutex: the same source builds with the runtime on and off.
template <class C>
class Mutex {
 public:
  void Lock(lockorder::call_site s = {}) { mu_.lock(s); }
  void Unlock(lockorder::call_site s = {}) { mu_.unlock(s); }
  bool TryLock(lockorder::call_site s = {}) { return mu_.try_lock(s); }

 private:
  lockorder::mutex<C> mu_;
};

Mutex<cs_a> a;
Mutex<cs_b> b;

unsigned ab_line = 0, ba_line = 0;

void ab() {
  a.Lock();
  ab_line = __LINE__ + 1;
  b.Lock();
  b.Unlock();
  a.Unlock();
}

void ba() {
  b.Lock();
  ba_line = __LINE__ + 1;
  a.Lock();
  a.Unlock();
  b.Unlock();
}

}  // namespace

TEST_CASE("call_site: a wrapper's acquisitions are reported at the wrapper's caller") {
  report_collector c;
  ab();
  ba();
  REQUIRE(c.count(lockorder::report_kind::circular_dependency) == 1);
  const lockorder::report r = c.first(lockorder::report_kind::circular_dependency);
  CHECK(r.acquiring.acquired_at.line == ba_line);
  CHECK(r.acquiring.acquired_at.file.find("call_site_test.cpp") != std::string::npos);
  REQUIRE_FALSE(r.chain.empty());
  CHECK(r.chain.front().first_seen.line == ab_line);
  CHECK(b.TryLock());
  b.Unlock();
}

TEST_CASE("call_site: a default argument is the caller's location") {
  auto where = [](lockorder::call_site s = {}) { return std::source_location(s).line(); };
  CHECK(where() == __LINE__);
  CHECK(lockorder::call_site::current().where.line() == __LINE__);
}
