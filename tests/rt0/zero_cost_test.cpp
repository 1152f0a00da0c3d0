// With LOCKORDER_RUNTIME=0 the lock types are their underlying lock and contexts are
// empty: nothing is added to objects, and nothing is recorded.
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>
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

LOCKORDER_CLASS(rt0_wake);

TEST_CASE("wait types are the std types they wrap") {
  STATIC_REQUIRE(sizeof(lockorder::condition_variable<rt0_wake>) ==
                 sizeof(std::condition_variable));
  STATIC_REQUIRE(sizeof(lockorder::condition_variable_any<rt0_wake>) ==
                 sizeof(std::condition_variable_any));
  STATIC_REQUIRE(sizeof(lockorder::thread<rt0_wake>) == sizeof(std::thread));
  STATIC_REQUIRE(sizeof(lockorder::promise<rt0_wake, int>) == sizeof(std::promise<int>));
  STATIC_REQUIRE(sizeof(lockorder::future<rt0_wake, int>) == sizeof(std::future<int>));
  STATIC_REQUIRE(sizeof(lockorder::latch<rt0_wake>) == sizeof(std::latch));
  STATIC_REQUIRE(sizeof(lockorder::counting_semaphore<rt0_wake>) ==
                 sizeof(std::counting_semaphore<1024>));
}

TEST_CASE("condition_variable waits on the std::mutex under a lockorder::mutex") {
  lockorder::mutex<rt0_low> m;
  lockorder::condition_variable<rt0_wake> cv;
  int stage = 0;
  lockorder::thread<rt0_wake> t([&] {
    std::unique_lock l(m);
    cv.wait(l, [&] { return stage == 1; });  // releases m while it waits
    stage = 2;
    cv.notify_one();
  });
  {
    std::unique_lock l(m);
    stage = 1;
    cv.notify_one();
    cv.wait(l, [&] { return stage == 2; });
    REQUIRE(l.owns_lock());
    REQUIRE_FALSE(m.try_lock());  // still held by l after the wait, and unlocked once
  }
  t.join();
  REQUIRE(m.try_lock());
  m.unlock();
  std::unique_lock l(m);
  REQUIRE_FALSE(cv.wait_for(l, std::chrono::milliseconds(1), [] { return false; }));
  REQUIRE(l.owns_lock());
}

TEST_CASE("condition_variable_any waits with any lock") {
  lockorder::shared_mutex<rt0_low> rw;
  lockorder::condition_variable_any<rt0_wake> cv;
  bool ready = false;
  std::thread t([&] {
    std::lock_guard g(rw);
    ready = true;
    cv.notify_all();
  });
  std::unique_lock l(rw);
  cv.wait(l, [&] { return ready; });
  t.join();
  REQUIRE(ready);
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
