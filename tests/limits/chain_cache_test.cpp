// A tiny chain cache (LOCKORDER_MAX_CHAINS=16: 12 sequences cached) filled, then an
// AB-BA between two new classes: reported. A full cache makes acquisitions slower (each
// uncached sequence is validated again), never unchecked. A process of its own.
#define LOCKORDER_MAX_CHAINS 16
#include <lockorder/lockorder.hpp>

#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "../support/numbered_pairs.hpp"

#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

LOCKORDER_CLASS(cc_a);
LOCKORDER_CLASS(cc_b);

TEST_CASE("a full chain cache: said once, and an AB-BA after it is still reported") {
  std::vector<lockorder::report> reports;
  lockorder::scoped_report_handler h([&](const lockorder::report& r) { reports.push_back(r); });
  take_pairs(std::make_integer_sequence<int, 30>{});  // 29 sequences of two: more than 12
  take_pairs(std::make_integer_sequence<int, 30>{});  // again: validated again, nothing new
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].kind == lockorder::report_kind::limit_reached);
  // The second round validated each sequence the cache could not take again: counted.
  CHECK(lockorder::validator_counters_now().uncached_validations >= 29 - 12);
  CHECK(reports[0].message.find("LOCKORDER_MAX_CHAINS cache is full") != std::string::npos);
  lockorder::mutex<cc_a> a;
  lockorder::mutex<cc_b> b;
  { std::lock_guard x(a); std::lock_guard y(b); }
  { std::lock_guard y(b); std::lock_guard x(a); }
  REQUIRE(reports.size() == 2);
  CHECK(reports[1].kind == lockorder::report_kind::circular_dependency);
  { std::lock_guard y(b); std::lock_guard x(a); }  // once per pair, as always
  CHECK(reports.size() == 2);
}
