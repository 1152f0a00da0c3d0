// With LOCKORDER_RUNTIME=0 the lock types are their underlying lock and contexts are
// empty: nothing is added to objects, and nothing is recorded.
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <mutex>
#include <shared_mutex>
#include <type_traits>

static_assert(LOCKORDER_RUNTIME == 0);

LOCKORDER_CLASS(rt0_low, 10);
LOCKORDER_CLASS(rt0_high, 20);

TEST_CASE("lock types add nothing to the lock they wrap") {
  STATIC_REQUIRE(sizeof(lockorder::mutex<rt0_low>) == sizeof(std::mutex));
  STATIC_REQUIRE(alignof(lockorder::mutex<rt0_low>) == alignof(std::mutex));
  STATIC_REQUIRE(sizeof(lockorder::shared_mutex<rt0_low>) == sizeof(std::shared_mutex));
  STATIC_REQUIRE(sizeof(lockorder::mutex<rt0_low, std::recursive_mutex>) ==
                 sizeof(std::recursive_mutex));
  STATIC_REQUIRE(std::is_trivially_destructible_v<lockorder::mutex<rt0_low>> ==
                 std::is_trivially_destructible_v<std::mutex>);
}

TEST_CASE("contexts are empty and guards are a pointer") {
  auto ctx = lockorder::unlocked();
  STATIC_REQUIRE(std::is_empty_v<decltype(ctx)>);
  lockorder::mutex<rt0_low> low;
  lockorder::mutex<rt0_high> high;
  auto g1 = ctx.lock(low);
  auto g2 = g1.lock(high);
  STATIC_REQUIRE(sizeof(g2) == sizeof(void*));
  STATIC_REQUIRE(std::is_empty_v<lockorder::context_at<rt0_high>>);
  STATIC_REQUIRE(std::is_empty_v<lockorder::context_before<rt0_high>>);
  REQUIRE(g2.owns_lock());
  REQUIRE_FALSE(high.try_lock());
}

TEST_CASE("a wrapper taking call_site builds with the runtime off, at no cost") {
  struct wrapper {
    lockorder::mutex<rt0_low> mu;
    void Lock(lockorder::call_site s = {}) { mu.lock(s); }
    void Unlock(lockorder::call_site s = {}) { mu.unlock(s); }
  } w;
  STATIC_REQUIRE(std::is_empty_v<lockorder::call_site>);
  w.Lock();
  REQUIRE_FALSE(w.mu.try_lock());
  w.Unlock();
}

TEST_CASE("assertions are no-ops with the runtime off") {
  lockorder::mutex<rt0_low> m;
  m.assert_held();  // not held, and nothing happens: there is no validator
  m.assert_not_held();
  SUCCEED();
}

TEST_CASE("the inline namespace names the runtime setting") {
  // Mixing settings across translation units fails to link instead of breaking the ODR.
  using m = lockorder::rt0::mutex<rt0_low>;
  STATIC_REQUIRE(std::is_same_v<m, lockorder::mutex<rt0_low>>);
}
