// The compile-time rules, checked in-process through the public concepts (can_lock,
// can_lock_shared, can_lock_nested, may_acquire, holding, holding_exclusive) on context
// types obtained with decltype. Each failing rule here has a compile-fail case with its
// message in tests/compile_fail/; this file covers the many small cases cheaply, and the
// positive ones (what must keep compiling).
#include <lockorder/lockorder.hpp>

#include <catch2/catch.hpp>

#include <mutex>
#include <utility>

namespace {

LOCKORDER_CLASS(cc_a, 10);
LOCKORDER_CLASS(cc_b, 20);
LOCKORDER_CLASS(cc_c, 30);
LOCKORDER_CLASS(cc_b_peer, 20);  // same level as cc_b, another class
LOCKORDER_CLASS(cc_u);           // unranked
LOCKORDER_CLASS(cc_v);           // unranked

using mutex_a = lockorder::mutex<cc_a>;
using mutex_b = lockorder::mutex<cc_b>;
using mutex_c = lockorder::mutex<cc_c>;
using mutex_b_peer = lockorder::mutex<cc_b_peer>;
using mutex_u = lockorder::mutex<cc_u>;
using mutex_v = lockorder::mutex<cc_v>;
using shared_a = lockorder::shared_mutex<cc_a>;
using shared_b = lockorder::shared_mutex<cc_b>;

// The context types a chain of acquisitions produces, as the user's code would see them.
using root = decltype(lockorder::unlocked());
template <class Ctx, class L>
using lock_t = decltype(std::declval<Ctx&>().lock(std::declval<L&>()));
template <class Ctx, class L>
using lock_shared_t = decltype(std::declval<Ctx&>().lock_shared(std::declval<L&>()));
template <class Ctx, class L, unsigned N>
using lock_nested_t = decltype(std::declval<Ctx&>().template lock_nested<N>(std::declval<L&>()));
template <class Ctx, class L>
using try_lock_t = decltype(std::declval<Ctx&>().try_lock(std::declval<L&>()));
template <class Ctx, class... L>
using lock_all_t = decltype(std::declval<Ctx&>().lock_all(std::declval<L&>()...));

using with_a = lock_t<root, mutex_a>;
using with_b = lock_t<root, mutex_b>;
using with_c = lock_t<root, mutex_c>;
using with_ab = lock_t<with_a, mutex_b>;
using with_u = lock_t<root, mutex_u>;

}  // namespace

TEST_CASE("concepts: guards are contexts with the held classes in their type") {
  STATIC_REQUIRE(std::is_same_v<root, lockorder::context<>>);
  STATIC_REQUIRE(std::is_same_v<with_a, lockorder::guard<mutex_a, cc_a>>);
  // A context lists the innermost classes only: cc_a is ordered before cc_b, so every
  // check against cc_a is made by cc_b (docs/concepts.md#what-a-context-lists).
  STATIC_REQUIRE(std::is_same_v<with_ab, lockorder::guard<mutex_b, cc_b>>);
  STATIC_REQUIRE(std::is_base_of_v<lockorder::context<cc_b>, with_ab>);
  STATIC_REQUIRE(std::is_same_v<lock_t<with_b, mutex_u>, lockorder::guard<mutex_u, cc_b, cc_u>>);
  STATIC_REQUIRE(lockorder::lock_class<cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::lock_class<int>);
  STATIC_REQUIRE(lockorder::lockorder_lock<mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::lockorder_lock<std::mutex>);
}

TEST_CASE("concepts: ascending levels may be taken, descending and equal may not") {
  STATIC_REQUIRE(lockorder::can_lock<root, mutex_a>);
  STATIC_REQUIRE(lockorder::can_lock<with_a, mutex_b>);
  STATIC_REQUIRE(lockorder::can_lock<with_ab, mutex_c>);
  STATIC_REQUIRE(lockorder::can_lock<with_a, mutex_c>);  // skipping a level is fine
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_b, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_ab, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_t<with_a, mutex_c>, mutex_b>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_b, mutex_b_peer>);  // equal levels
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_t<root, mutex_b_peer>, mutex_b>);
}

TEST_CASE("concepts: a class is not taken twice without nesting") {
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_a, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_ab, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::may_acquire<with_a, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_u, mutex_u>);  // unranked: itself only
}

TEST_CASE("concepts: unranked classes are ordered at run time, not here") {
  STATIC_REQUIRE(lockorder::can_lock<root, mutex_u>);
  STATIC_REQUIRE(lockorder::can_lock<with_u, mutex_a>);  // ranked after unranked
  STATIC_REQUIRE(lockorder::can_lock<with_c, mutex_u>);  // unranked after ranked
  STATIC_REQUIRE(lockorder::can_lock<with_u, mutex_v>);  // two unranked classes
  STATIC_REQUIRE(lockorder::can_lock<lock_t<with_u, mutex_v>, mutex_b>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_t<with_u, mutex_c>, mutex_u>);
}

TEST_CASE("concepts: nesting subclasses must increase and stay in range") {
  using nested1 = lock_nested_t<with_a, mutex_a, 1>;
  STATIC_REQUIRE(lockorder::can_lock_nested<with_a, mutex_a, 1>);
  STATIC_REQUIRE(lockorder::can_lock_nested<nested1, mutex_a, 2>);
  STATIC_REQUIRE(lockorder::can_lock_nested<with_a, mutex_a, 7>);  // subclasses may skip
  STATIC_REQUIRE(lockorder::can_lock_nested<nested1, mutex_b, 0>);  // other classes: by level
  STATIC_REQUIRE(lockorder::can_lock_nested<with_u, mutex_u, 1>);   // unranked too
  STATIC_REQUIRE_FALSE(lockorder::can_lock_nested<with_a, mutex_a, 0>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_nested<nested1, mutex_a, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<nested1, mutex_a>);  // plain lock is subclass 0
  STATIC_REQUIRE_FALSE(lockorder::can_lock_nested<lock_nested_t<root, mutex_a, 2>, mutex_a, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_nested<root, mutex_a, LOCKORDER_MAX_SUBCLASSES>);
  STATIC_REQUIRE(lockorder::can_lock_nested<root, mutex_a, LOCKORDER_MAX_SUBCLASSES - 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_nested<with_b, mutex_a, 1>);  // still by level
  STATIC_REQUIRE(lockorder::holding<nested1, cc_a>);
}

TEST_CASE("concepts: shared acquisitions follow the same order") {
  using read_a = lock_shared_t<root, shared_a>;
  STATIC_REQUIRE(lockorder::can_lock_shared<root, shared_a>);
  STATIC_REQUIRE(lockorder::can_lock_shared<with_a, shared_b>);
  STATIC_REQUIRE(lockorder::can_lock<read_a, mutex_b>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_shared<with_b, shared_a>);  // shared after higher
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_shared_t<root, shared_b>, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_shared<read_a, shared_a>);  // read-read, one class
  STATIC_REQUIRE_FALSE(lockorder::can_lock_shared<root, mutex_a>);     // needs a shared_mutex
  STATIC_REQUIRE(lockorder::can_lock<root, shared_a>);  // a shared_mutex taken exclusively
}

TEST_CASE("concepts: holding and holding_exclusive") {
  using read_a = lock_shared_t<root, shared_a>;
  STATIC_REQUIRE(lockorder::holding<with_a, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::holds_v<with_ab, cc_a>);  // held, no longer listed
  STATIC_REQUIRE(lockorder::holding<with_ab, cc_b>);
  STATIC_REQUIRE(lockorder::holding<const with_ab&, cc_b>);  // cv-ref qualified contexts
  STATIC_REQUIRE_FALSE(lockorder::holds_v<root, cc_a>);  // holding<> itself: an error
  STATIC_REQUIRE_FALSE(lockorder::holds_v<with_b, cc_a>);
  STATIC_REQUIRE(lockorder::holding_exclusive<with_a, cc_a>);
  STATIC_REQUIRE(lockorder::holding<read_a, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::holding_exclusive<read_a, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::holding<int, cc_a>);  // not a context at all
  STATIC_REQUIRE_FALSE(lockorder::holds_v<int, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::may_acquire<int, cc_a>);
}

TEST_CASE("concepts: may_acquire is the callee-side form of can_lock") {
  STATIC_REQUIRE(lockorder::may_acquire<root, cc_b>);
  STATIC_REQUIRE(lockorder::may_acquire<with_a, cc_b>);
  STATIC_REQUIRE(lockorder::may_acquire<with_a&, cc_b>);
  STATIC_REQUIRE(lockorder::may_acquire<with_u, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::may_acquire<with_b, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::may_acquire<with_ab, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::may_acquire<with_c, cc_b_peer>);
}

TEST_CASE("concepts: try_lock may go against the order; later locks must follow it") {
  // These compile (decltype instantiates the call): a try-lock cannot block.
  using tried_a_under_c = try_lock_t<with_c, mutex_a>;
  using tried_a_again = try_lock_t<with_a, mutex_a>;
  STATIC_REQUIRE(lockorder::holding<tried_a_under_c, cc_a>);
  STATIC_REQUIRE(lockorder::holding<tried_a_under_c, cc_c>);
  STATIC_REQUIRE(lockorder::holding_exclusive<tried_a_again, cc_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<tried_a_under_c, mutex_b>);  // c is still held
  STATIC_REQUIRE_FALSE(lockorder::can_lock<try_lock_t<root, mutex_b>, mutex_a>);
  STATIC_REQUIRE(lockorder::can_lock<try_lock_t<root, mutex_a>, mutex_b>);
  STATIC_REQUIRE(lockorder::can_lock_nested<try_lock_t<root, mutex_a>, mutex_a, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<try_lock_t<root, mutex_a>, mutex_a>);
}

TEST_CASE("concepts: lock_all holds every class of the group") {
  using with_bc = lock_all_t<root, mutex_b, mutex_c>;
  using with_a_bc = lock_all_t<with_a, mutex_c, mutex_b>;  // argument order is free
  STATIC_REQUIRE(lockorder::holding<with_bc, cc_b>);
  STATIC_REQUIRE(lockorder::holding<with_bc, cc_c>);
  STATIC_REQUIRE_FALSE(lockorder::holds_v<with_a_bc, cc_a>);  // ordered before the group
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_bc, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_a_bc, mutex_b_peer>);
  using two_of_a = lock_all_t<root, mutex_a, mutex_a>;  // several locks of one class
  STATIC_REQUIRE(lockorder::can_lock<two_of_a, mutex_b>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<two_of_a, mutex_a>);
  using two_of_u = lock_all_t<root, mutex_u, mutex_u>;  // unranked, one class: allowed
  STATIC_REQUIRE(lockorder::holding<two_of_u, cc_u>);
}

TEST_CASE("concepts: the checked calls compile and run for the positive cases") {
  mutex_a a;
  mutex_c c;
  mutex_u u;
  shared_b sb;
  auto ga = lockorder::unlocked().lock(a);
  auto gu = ga.lock(u);
  auto gr = gu.lock_shared(sb);
  auto tc = gr.try_lock(c);
  CHECK(tc.owns_lock());
  CHECK(gr.owns_lock());
  tc.unlock();
  CHECK_FALSE(tc.owns_lock());
  STATIC_REQUIRE(lockorder::holding<decltype(tc), cc_c>);  // still claimed after unlock()
}

TEST_CASE("concepts: function-boundary contexts (context_at, context_before)") {
  using at_b = lockorder::context_at<cc_b>;
  using before_b = lockorder::context_before<cc_b>;
  // context_at<C>: C held and innermost; every other listed class ordered before it.
  STATIC_REQUIRE(lockorder::converts_to_at_v<with_b, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_at_v<with_ab, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_at_v<at_b, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::converts_to_at_v<root, cc_b>);        // nothing held
  STATIC_REQUIRE_FALSE(lockorder::converts_to_at_v<with_a, cc_b>);      // cc_b not held
  STATIC_REQUIRE_FALSE(lockorder::converts_to_at_v<with_ab, cc_a>);     // cc_a not innermost
  STATIC_REQUIRE_FALSE(lockorder::converts_to_at_v<lock_t<with_b, mutex_u>, cc_b>);  // cc_u
  STATIC_REQUIRE_FALSE(lockorder::converts_to_at_v<lock_shared_t<root, shared_b>, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_at_v<lock_shared_t<root, shared_b>, lockorder::shared<cc_b>>);
  STATIC_REQUIRE(lockorder::holding<at_b, cc_b>);
  STATIC_REQUIRE(lockorder::can_lock<at_b, mutex_c>);
  STATIC_REQUIRE(lockorder::can_lock<at_b, mutex_u>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<at_b, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<at_b, mutex_b>);
  // context_before<C>: C may be taken; inside, C and what is ordered after it, only.
  STATIC_REQUIRE(lockorder::converts_to_before_v<root, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_before_v<with_a, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_before_v<with_u, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_before_v<before_b, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_before_v<lockorder::context_before<cc_a>, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::converts_to_before_v<with_b, cc_b>);   // already held
  STATIC_REQUIRE_FALSE(lockorder::converts_to_before_v<with_c, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::converts_to_before_v<lockorder::context_before<cc_c>, cc_b>);
  STATIC_REQUIRE_FALSE(lockorder::converts_to_before_v<before_b, cc_u>);  // cc_u unordered
  STATIC_REQUIRE(lockorder::can_lock<before_b, mutex_b>);
  STATIC_REQUIRE(lockorder::can_lock<before_b, mutex_c>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<before_b, mutex_a>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<before_b, mutex_u>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<before_b, mutex_b_peer>);
  STATIC_REQUIRE(std::is_same_v<lock_t<before_b, mutex_c>, lockorder::guard<mutex_c, cc_c>>);
  // The guard a boundary context returns converts onward by the same rules.
  STATIC_REQUIRE(lockorder::converts_to_at_v<lock_t<before_b, mutex_b>, cc_b>);
  STATIC_REQUIRE(lockorder::converts_to_at_v<lock_t<at_b, mutex_c>, cc_c>);
  STATIC_REQUIRE(std::is_empty_v<at_b> == !LOCKORDER_CHECK_CONTEXT);
}
