// Aggregates as hierarchies (aggregate.hpp): lock_fields() in field order, subsets, the
// guard's held set, what compiles (can_lock_fields), and field names in run-time reports.
// Every class here is agg_-prefixed: the class graph is process-wide.
#include "report_collector.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

using lockorder::report_kind;

namespace {

// Records lock and unlock calls, so a test can see the order the fields were taken in.
std::vector<std::string>& trace() {
  static std::vector<std::string> t;
  return t;
}
template <char Name>
struct traced_lock {
  void lock() {
    m.lock();
    trace().push_back(std::string("+") + Name);
  }
  bool try_lock() { return m.try_lock(); }
  void unlock() {
    trace().push_back(std::string("-") + Name);
    m.unlock();
  }
  void lock_shared() { m.lock_shared(); }
  bool try_lock_shared() { return m.try_lock_shared(); }
  void unlock_shared() { m.unlock_shared(); }
  std::shared_mutex m;
};

std::vector<std::string> take_trace() {
  std::vector<std::string> t;
  t.swap(trace());
  return t;
}

}  // namespace

LOCKORDER_CLASS(agg_top, 5);
LOCKORDER_CLASS(agg_u1);
LOCKORDER_CLASS(agg_r10, 10);
LOCKORDER_CLASS(agg_u2);
LOCKORDER_CLASS(agg_r20, 20);
LOCKORDER_CLASS(agg_above, 30);

// Ranked and unranked fields mixed: lock_all() cannot order these, the struct can.
struct agg_mixed {
  lockorder::mutex<agg_u1, traced_lock<'a'>> a;
  lockorder::mutex<agg_r10, traced_lock<'b'>> b;
  lockorder::shared_mutex<agg_u2, traced_lock<'c'>> c;
  lockorder::mutex<agg_r20, traced_lock<'d'>> d;
};

TEST_CASE("aggregate: lock_fields takes every field in field order, releases in reverse") {
  report_collector c;
  agg_mixed locks;
  take_trace();
  {
    auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
    CHECK(g.owns_lock());
    CHECK(take_trace() == std::vector<std::string>{"+a", "+b", "+c", "+d"});
    STATIC_REQUIRE(lockorder::holding_exclusive<decltype(g), agg_u1>);
    STATIC_REQUIRE(lockorder::holding_exclusive<decltype(g), agg_r10>);
    STATIC_REQUIRE(lockorder::holding_exclusive<decltype(g), agg_u2>);
    STATIC_REQUIRE(lockorder::holding_exclusive<decltype(g), agg_r20>);
  }
  CHECK(take_trace() == std::vector<std::string>{"-d", "-c", "-b", "-a"});
  CHECK(c.size() == 0);
}

TEST_CASE("aggregate: lock_fields<I...> takes a subset, in field order") {
  report_collector c;
  agg_mixed locks;
  take_trace();
  {
    auto g = lockorder::lock_fields<1, 3>(lockorder::unlocked(), locks);
    CHECK(take_trace() == std::vector<std::string>{"+b", "+d"});
    STATIC_REQUIRE(lockorder::holding<decltype(g), agg_r10>);
    STATIC_REQUIRE(lockorder::holding<decltype(g), agg_r20>);
    STATIC_REQUIRE_FALSE(lockorder::holds_v<decltype(g), agg_u1>);
    STATIC_REQUIRE_FALSE(lockorder::holds_v<decltype(g), agg_u2>);
    g.unlock();  // early, and once
    CHECK_FALSE(g.owns_lock());
    CHECK(take_trace() == std::vector<std::string>{"-d", "-b"});
  }
  CHECK(take_trace().empty());
  CHECK(c.size() == 0);
}

TEST_CASE("aggregate: the guard is a context, checked against every field") {
  report_collector c;
  lockorder::mutex<agg_top> top;
  lockorder::mutex<agg_above> above;
  agg_mixed locks;
  auto t = lockorder::unlocked().lock(top);
  auto g = lockorder::lock_fields<0, 2>(t, locks);  // from a guard holding a lower level
  using G = decltype(g);
  STATIC_REQUIRE(lockorder::holding<G, agg_top>);
  STATIC_REQUIRE(lockorder::can_lock<G, lockorder::mutex<agg_above>>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<G, lockorder::mutex<agg_top>>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<G, lockorder::mutex<agg_u1>>);  // held
  STATIC_REQUIRE(lockorder::can_lock_fields<G, agg_mixed, 3>);  // a later field: fine
  auto h = lockorder::lock_fields<3>(g, locks);
  auto a = h.lock(above);
  CHECK(a.owns_lock());
  CHECK(c.size() == 0);
}

LOCKORDER_CLASS(agg_lo, 10);
LOCKORDER_CLASS(agg_hi, 20);
LOCKORDER_CLASS(agg_mm, lockorder::after<agg_u1, "test: declared after agg_u1">);

struct agg_levels_reversed {
  lockorder::mutex<agg_hi> hi;
  lockorder::mutex<agg_lo> lo;
};
struct agg_declared_reversed {
  lockorder::mutex<agg_mm> mm;
  lockorder::mutex<agg_u1> u1;
};
struct agg_class_twice {
  lockorder::mutex<agg_u1> x;
  lockorder::mutex<agg_u1> y;
};
struct agg_with_data {
  lockorder::mutex<agg_lo> lock;
  int count;
};
struct agg_empty {};
class agg_not_aggregate {
 public:
  agg_not_aggregate() {}
  lockorder::mutex<agg_lo> lock;
};

TEST_CASE("aggregate: aggregate_hierarchy and can_lock_fields say what compiles") {
  using ctx0 = lockorder::context<>;
  STATIC_REQUIRE(lockorder::aggregate_hierarchy<agg_mixed>);
  STATIC_REQUIRE(lockorder::aggregate_hierarchy<const agg_mixed>);
  STATIC_REQUIRE(lockorder::aggregate_hierarchy<agg_levels_reversed>);  // the order is lock_fields' business
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<agg_with_data>);
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<agg_empty>);
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<agg_not_aggregate>);
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<lockorder::mutex<agg_lo>>);
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<int>);
  STATIC_REQUIRE_FALSE(lockorder::aggregate_hierarchy<agg_mixed&>);

  STATIC_REQUIRE(lockorder::can_lock_fields<ctx0, agg_mixed>);
  STATIC_REQUIRE(lockorder::can_lock_fields<ctx0, agg_mixed, 0, 3>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, const agg_mixed>);
  // The struct itself.
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_levels_reversed>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_levels_reversed, 0>);  // any use
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_declared_reversed>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_class_twice>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_with_data>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_empty>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_not_aggregate>);
  // The selection.
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_mixed, 3, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_mixed, 1, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<ctx0, agg_mixed, 4>);
  // The held set: levels, the same class, and the field order for unranked fields.
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<lockorder::context<agg_above>, agg_mixed, 3>);
  STATIC_REQUIRE(lockorder::can_lock_fields<lockorder::context<agg_above>, agg_mixed, 0, 2>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<lockorder::context<agg_r10>, agg_mixed, 1>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<lockorder::context<agg_u2>, agg_mixed, 0>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<lockorder::context<lockorder::shared<agg_u2>>,
                                                  agg_mixed, 0>);
  STATIC_REQUIRE(lockorder::can_lock_fields<lockorder::context<agg_u2>, agg_mixed, 3>);
  STATIC_REQUIRE(lockorder::can_lock_fields<lockorder::context<agg_u1>, agg_mixed, 2>);
  // Not a context.
  STATIC_REQUIRE_FALSE(lockorder::can_lock_fields<int, agg_mixed>);
}

namespace agg_ns {
struct agg_named {
  lockorder::mutex<agg_lo> lo;
};
template <lockorder::fixed_string S>
struct agg_tagged {};
}  // namespace agg_ns

TEST_CASE("aggregate: the type name helper spells the type as the compiler does") {
  using lockorder::detail::qualified_name;
  STATIC_REQUIRE(qualified_name<agg_mixed>() == "agg_mixed");
  STATIC_REQUIRE(qualified_name<agg_ns::agg_named>() == "agg_ns::agg_named");
  STATIC_REQUIRE(qualified_name<int>() == "int");
  // A ';' or ']' inside the type does not end its name: the parser takes all that lies
  // between the signature's first "T = " and its last character.
  constexpr std::string_view tagged = qualified_name<agg_ns::agg_tagged<"a;b]">>();
  STATIC_REQUIRE(tagged.starts_with("agg_ns::agg_tagged<"));
  STATIC_REQUIRE(tagged.find("a;b]") != std::string_view::npos);
  STATIC_REQUIRE(tagged.ends_with(">"));
}

LOCKORDER_CLASS(agg_rt_x);
LOCKORDER_CLASS(agg_rt_y);
LOCKORDER_CLASS(agg_rt_z);

struct agg_rt_locks {
  lockorder::mutex<agg_rt_x> x;
  lockorder::mutex<agg_rt_y> y;
  lockorder::mutex<agg_rt_z> z;
};

TEST_CASE("aggregate: the validator learns the field order; reports name the struct and field") {
  report_collector c;
  agg_rt_locks locks;
  lockorder::name_fields(locks);
  { auto g = lockorder::lock_fields(lockorder::unlocked(), locks); }
  CHECK(c.size() == 0);
  {
    std::lock_guard z(locks.z);  // against the field order, unchecked at compile time
    std::lock_guard x(locks.x);
  }
  REQUIRE(c.count(report_kind::circular_dependency) == 1);
  const auto r = c.first(report_kind::circular_dependency);
  CHECK(r.acquiring.instance_name == "agg_rt_locks.field<0>");
  REQUIRE(r.held.size() == 1);
  CHECK(r.held[0].instance_name == "agg_rt_locks.field<2>");
  CHECK(r.chain.size() == 3);  // x -> y -> z from lock_fields(), then z -> x
}

LOCKORDER_CLASS(agg_nm_lo, 10);
LOCKORDER_CLASS(agg_nm_hi, 20);
LOCKORDER_CLASS(agg_long_lo, 10);
LOCKORDER_CLASS(agg_long_hi, 20);

struct agg_nm_locks {
  lockorder::mutex<agg_nm_lo> lo;
  lockorder::mutex<agg_nm_hi> hi;
};
namespace agg_a_rather_long_namespace_name::and_a_nested_one {
struct agg_locks_with_a_long_name {
  lockorder::mutex<agg_long_lo> lo;
  lockorder::mutex<agg_long_hi> hi;
};
}  // namespace agg_a_rather_long_namespace_name::and_a_nested_one

// Takes the fields of `locks` against their levels, by hand, and returns the report.
template <class T>
lockorder::report inverted(T& locks) {
  report_collector c;
  {
    std::lock_guard hi(locks.hi);
    std::lock_guard lo(locks.lo);
  }
  REQUIRE(c.count(report_kind::order_violation) == 1);
  return c.first(report_kind::order_violation);
}

TEST_CASE("aggregate: name_fields with a name of its own, and names too long to keep") {
  agg_nm_locks eth0;
  lockorder::name_fields(eth0, "eth0");
  const auto r = inverted(eth0);
  CHECK(r.acquiring.instance_name == "eth0.field<0>");
  REQUIRE(r.held.size() == 1);
  CHECK(r.held[0].instance_name == "eth0.field<1>");

  // The validator keeps 47 characters: the end of the type's name and the index stay.
  agg_a_rather_long_namespace_name::and_a_nested_one::agg_locks_with_a_long_name l;
  lockorder::name_fields(l);
  const auto s = inverted(l);
  const std::string name = s.acquiring.instance_name;
  CHECK(name.size() == 47);
  CHECK(name.rfind("...", 0) == 0);
  CHECK(name.find("agg_locks_with_a_long_name.field<0>") != std::string::npos);
}

LOCKORDER_CLASS(agg_throw_held, 15);
LOCKORDER_CLASS(agg_throw_u);
LOCKORDER_CLASS(agg_throw_lo, 10);

struct agg_throw_locks {
  lockorder::mutex<agg_throw_u> u;
  lockorder::mutex<agg_throw_lo> lo;
};

TEST_CASE("aggregate: a report thrown at a field releases the fields taken before it") {
  lockorder::mutex<agg_throw_held> held;
  agg_throw_locks locks;
  std::lock_guard h(held);  // not a context: lock_fields() compiles, the validator objects
  {
    lockorder::scoped_report_handler restore([](const lockorder::report&) {});
    lockorder::set_report_mode(lockorder::report_mode::throw_exception);
    try {
      auto g = lockorder::lock_fields(lockorder::unlocked(), locks);
      FAIL("no exception");
    } catch (const lockorder::lock_order_error& e) {
      CHECK(e.get_report().kind == report_kind::order_violation);
    }
  }
  CHECK(locks.u.try_lock());  // field 0 was taken, then released
  locks.u.unlock();
  report_collector c;
  auto g = lockorder::unlocked().lock(locks.u);  // the failed group left no stale context
  CHECK(c.count(report_kind::stale_context) == 0);
}
