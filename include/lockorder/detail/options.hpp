// lockorder/detail/options.hpp — the LOCKORDER_OPTIONS environment variable, split into
// its items: for report.hpp (mode), the validator (export) and the symbolizer (addr2line).
// Internal: not a stable interface.
#pragma once

#include <cstdlib>
#include <string_view>

namespace lockorder::detail {

// LOCKORDER_OPTIONS: colon or comma separated key=value. Keys: mode=log|abort|throw,
// export=path (the graph as JSON at exit; %p is the process id), addr2line=0.
// Calls f(key, value) for each option.
template <class F>
void for_each_option(F&& f) {
  const char* env = std::getenv("LOCKORDER_OPTIONS");
  if (!env) return;
  std::string_view opts(env);
  while (!opts.empty()) {
    auto end = opts.find_first_of(":,");
    auto item = opts.substr(0, end);
    opts = end == std::string_view::npos ? std::string_view{} : opts.substr(end + 1);
    auto eq = item.find('=');
    if (!item.empty())
      f(item.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
  }
}

}  // namespace lockorder::detail
