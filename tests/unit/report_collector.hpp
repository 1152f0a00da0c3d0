// Collects the reports issued while it lives (a scoped handler: nothing global to reset).
#pragma once

#include <lockorder/lockorder.hpp>

#include <algorithm>
#include <mutex>
#include <vector>

struct report_collector {
  std::mutex m;
  std::vector<lockorder::report> reports;
  lockorder::scoped_report_handler handler{[this](const lockorder::report& r) {
    std::lock_guard g(m);
    reports.push_back(r);
  }};

  std::size_t count(lockorder::report_kind k) {
    std::lock_guard g(m);
    return static_cast<std::size_t>(std::count_if(
        reports.begin(), reports.end(), [k](const auto& r) { return r.kind == k; }));
  }
  std::size_t size() {
    std::lock_guard g(m);
    return reports.size();
  }
  lockorder::report first(lockorder::report_kind k) {
    std::lock_guard g(m);
    for (const auto& r : reports)
      if (r.kind == k) return r;
    return {};
  }
};
