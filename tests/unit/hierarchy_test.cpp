// Hierarchies (lockorder::hierarchy, step, in<>): the orders they stand for, checked at
// compile time through the public concepts, lock_all() in the hierarchy's order whatever
// the argument order, the run-time validator's declared orders with the steps' reasons,
// and declared_hierarchy<H>() with its Markdown and DOT. The messages of the compile
// errors are checked by tests/compile_fail/hierarchy_*.cpp.
#include <lockorder/hierarchy.hpp>
#include <lockorder/export.hpp>
#include <lockorder/lockorder.hpp>

#include <boost/hana/length.hpp>
#include <catch2/catch.hpp>

#include "report_collector.hpp"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

using lockorder::report_kind;

namespace hy {

struct dmar_global_lock;
struct device_domain_lock;
struct iommu_lock;
using iommu_locks = lockorder::hierarchy<
    lockorder::step<dmar_global_lock, "intel_iommu_init() holds it around everything">,
    lockorder::step<device_domain_lock, "domain_context_mapping() walks the device list under it">,
    lockorder::step<iommu_lock, "protects the context entries; nests inside the domain lock">>;
LOCKORDER_CLASS(dmar_global_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(device_domain_lock, lockorder::in<iommu_locks>);
LOCKORDER_CLASS(iommu_lock, lockorder::in<iommu_locks>);

// A class in two hierarchies, with a level and an after<> too: every order applies.
struct hy_outer;
struct hy_shared;
struct hy_inner;
struct hy_other_first;
LOCKORDER_CLASS(hy_extra, 5);
using first_chain = lockorder::hierarchy<lockorder::step<hy_outer, "outermost">,
                                         lockorder::step<hy_shared, "taken under hy_outer">>;
using second_chain =
    lockorder::hierarchy<lockorder::step<hy_other_first, "the other subsystem's entry">,
                         lockorder::step<hy_shared, "its callbacks take hy_shared">,
                         lockorder::step<hy_inner, "a field of hy_shared's object">>;
LOCKORDER_CLASS(hy_outer, 10, lockorder::in<first_chain>);
LOCKORDER_CLASS(hy_other_first, lockorder::in<second_chain>);
LOCKORDER_CLASS(hy_shared, 20, lockorder::in<first_chain>, lockorder::in<second_chain>,
                lockorder::after<hy_extra, "declared the old way">);
LOCKORDER_CLASS(hy_inner, lockorder::in<second_chain>);

using root = decltype(lockorder::unlocked());
template <class Ctx, class L>
using lock_t = decltype(std::declval<Ctx&>().lock(std::declval<L&>()));

// A lock that records the order lock() is called in, to see what lock_all() does.
std::vector<int> taken;
template <int Id>
struct recording_lock {
  void lock() { taken.push_back(Id); }
  bool try_lock() {
    lock();
    return true;
  }
  void unlock() {}
};

}  // namespace hy

using namespace hy;

TEST_CASE("hierarchy: each step declares the previous step's class before it, with its reason") {
  using lockorder::after_t;
  using lockorder::declared_after_t;
  using lockorder::type_list;
  STATIC_REQUIRE(std::is_same_v<declared_after_t<dmar_global_lock>, type_list<>>);
  STATIC_REQUIRE(std::is_same_v<
                 declared_after_t<device_domain_lock>,
                 type_list<after_t<dmar_global_lock,
                                   "domain_context_mapping() walks the device list under it">>>);
  STATIC_REQUIRE(std::is_same_v<
                 declared_after_t<iommu_lock>,
                 type_list<after_t<device_domain_lock,
                                   "protects the context entries; nests inside the domain lock">>>);
  // Memberships and after<> stand for their orders in the order LOCKORDER_CLASS lists them.
  STATIC_REQUIRE(std::is_same_v<declared_after_t<hy_shared>,
                                type_list<after_t<hy_outer, "taken under hy_outer">,
                                          after_t<hy_other_first, "its callbacks take hy_shared">,
                                          after_t<hy_extra, "declared the old way">>>);
  STATIC_REQUIRE(lockorder::is_ranked_v<hy_shared>);
  STATIC_REQUIRE(lockorder::level_v<hy_shared> == 20);
  STATIC_REQUIRE_FALSE(lockorder::is_ranked_v<iommu_lock>);
}

TEST_CASE("hierarchy: the compile-time checks follow the steps, transitively") {
  using dmar = lockorder::shared_mutex<dmar_global_lock>;
  using domain = lockorder::mutex<device_domain_lock>;
  using iommu = lockorder::mutex<iommu_lock>;
  using with_dmar = lock_t<root, dmar>;
  using with_domain = lock_t<root, domain>;
  using with_iommu = lock_t<root, iommu>;
  STATIC_REQUIRE(lockorder::can_lock<with_dmar, domain>);
  STATIC_REQUIRE(lockorder::can_lock<with_dmar, iommu>);
  STATIC_REQUIRE(lockorder::can_lock<with_domain, iommu>);
  STATIC_REQUIRE(lockorder::can_lock<lock_t<with_dmar, domain>, iommu>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_iommu, domain>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_iommu, dmar>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_domain, dmar>);
  // A class in two hierarchies is ordered by both, and by its level and after<>.
  using outer = lockorder::mutex<hy_outer>;
  using other = lockorder::mutex<hy_other_first>;
  using shared = lockorder::mutex<hy_shared>;
  using inner = lockorder::mutex<hy_inner>;
  using extra = lockorder::mutex<hy_extra>;
  using with_shared = lock_t<root, shared>;
  STATIC_REQUIRE(lockorder::can_lock<lock_t<root, outer>, shared>);
  STATIC_REQUIRE(lockorder::can_lock<lock_t<root, other>, shared>);
  STATIC_REQUIRE(lockorder::can_lock<lock_t<root, extra>, shared>);
  STATIC_REQUIRE(lockorder::can_lock<lock_t<root, other>, inner>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_shared, outer>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_shared, other>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<with_shared, extra>);
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_t<root, inner>, other>);
  // hy_outer and hy_inner are in different hierarchies, ordered through hy_shared.
  STATIC_REQUIRE_FALSE(lockorder::can_lock<lock_t<root, inner>, outer>);
}

TEST_CASE("hierarchy: lock_all() takes any subset in the hierarchy's order") {
  lockorder::mutex<dmar_global_lock, recording_lock<1>> dmar;
  lockorder::mutex<device_domain_lock, recording_lock<2>> domain;
  lockorder::mutex<iommu_lock, recording_lock<3>> iommu;
  taken.clear();
  { auto g = lockorder::unlocked().lock_all(iommu, dmar, domain); }
  CHECK(taken == std::vector<int>{1, 2, 3});
  taken.clear();
  { auto g = lockorder::unlocked().lock_all(iommu, domain); }
  { auto g = lockorder::unlocked().lock_all(iommu, dmar); }
  { auto g = lockorder::unlocked().lock_all(domain, dmar); }
  CHECK(taken == std::vector<int>{2, 3, 1, 3, 1, 2});
  // Mixed with ranked and after<> orders: hy_extra (level 5) and hy_other_first (unranked)
  // are both declared before hy_shared, which is before hy_inner.
  lockorder::mutex<hy_shared, recording_lock<4>> shared;
  lockorder::mutex<hy_inner, recording_lock<5>> inner;
  lockorder::mutex<hy_other_first, recording_lock<6>> other;
  taken.clear();
  { auto g = lockorder::unlocked().lock_all(inner, shared, other); }
  CHECK(taken == std::vector<int>{6, 4, 5});
  // (Classes that neither a hierarchy nor levels order: compile_fail/lock_all_mixed_unranked.)
}

TEST_CASE("hierarchy: the run-time validator reports a broken step with its reason") {
  report_collector c;
  lockorder::mutex<device_domain_lock> domain;
  lockorder::mutex<iommu_lock> iommu;
  { std::lock_guard g(domain); std::lock_guard h(iommu); }
  CHECK(c.size() == 0);
  { std::lock_guard g(iommu); std::lock_guard h(domain); }
  REQUIRE(c.count(report_kind::order_violation) == 1);
  const auto r = c.first(report_kind::order_violation);
  bool found = false;
  for (const auto& d : r.chain)
    if (d.declared) {
      found = true;
      CHECK(d.from.class_name == "hy::device_domain_lock");
      CHECK(d.to.class_name == "hy::iommu_lock");
      CHECK(d.rationale == "protects the context entries; nests inside the domain lock");
    }
  CHECK(found);
  CHECK(r.text().find("protects the context entries; nests inside the domain lock") !=
        std::string::npos);
}

TEST_CASE("hierarchy: declared_hierarchy<H>() is the steps as data, for the docs") {
  STATIC_REQUIRE(lockorder::checked_hierarchy_v<iommu_locks>);
  constexpr auto steps = lockorder::declared_hierarchy<iommu_locks>();
  STATIC_REQUIRE(steps.size() == 3);
  STATIC_REQUIRE(steps[0].class_name == "hy::dmar_global_lock");
  STATIC_REQUIRE(steps[2].why == "protects the context entries; nests inside the domain lock");
  STATIC_REQUIRE(decltype(boost::hana::length(lockorder::hierarchy_steps_v<iommu_locks>))::value ==
                 3);
  constexpr auto second = lockorder::declared_hierarchy<second_chain>();
  STATIC_REQUIRE(second[1].ranked && second[1].level == 20);
  STATIC_REQUIRE(lockorder::declared_hierarchy<lockorder::hierarchy<>>().empty());

  const std::string md = lockorder::to_markdown(steps);
  CHECK(md.find("| 1 | `hy::dmar_global_lock` |  | — | intel_iommu_init() holds it around everything |") !=
        std::string::npos);
  CHECK(md.find("| 3 | `hy::iommu_lock` | `hy::device_domain_lock` | — | protects the context entries; "
                "nests inside the domain lock |") != std::string::npos);
  for (const auto& s : steps) CHECK(md.find(std::string(s.why)) != std::string::npos);
  CHECK(lockorder::to_markdown(second).find("| 2 | `hy::hy_shared` | `hy::hy_other_first` | 20 |") !=
        std::string::npos);

  const std::string dot = lockorder::to_dot(steps);
  CHECK(dot.find("\"hy::device_domain_lock\" -> \"hy::iommu_lock\" [label=\"protects the context "
                 "entries; nests inside the domain lock\", style=dashed];") != std::string::npos);
  CHECK(dot.find("[label=\"hy::dmar_global_lock\\nintel_iommu_init() holds it around everything\"]") !=
        std::string::npos);

  // The graph of classes and their declared orders (export.hpp) sees the steps too.
  const auto g = lockorder::declared_hierarchy<iommu_lock>();
  CHECK(g.classes.size() == 3);
  REQUIRE(g.edges.size() == 2);
  CHECK(lockorder::to_markdown(g).find("domain_context_mapping() walks the device list under it") !=
        std::string::npos);
}

TEST_CASE("hierarchy: reasons with Markdown and DOT metacharacters stay in their cell") {
  const lockorder::hierarchy_step steps[] = {{"a", "x | y", false, 0},
                                             {"b", "say \"why\"", true, 7}};
  CHECK(lockorder::to_markdown(steps).find("x \\| y") != std::string::npos);
  CHECK(lockorder::to_dot(steps).find("[label=\"say \\\"why\\\"\"") != std::string::npos);
}
