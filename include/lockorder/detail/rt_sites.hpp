// lockorder/detail/rt_sites.hpp — the validator's cold half: report sites. Decided under
// the validator's lock (make_site: the user's source location, or the raw addresses),
// named after it is released (resolve_site: detail/symbolize.hpp). Internal: not a stable
// interface. Compiled like rt_registry.hpp.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/symbolize.hpp>  // and LOCKORDER_COLD's default
#include <lockorder/report.hpp>

#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// ---- sites and symbols ------------------------------------------------------------------

LOCKORDER_COLD bool internal_location(const std::source_location& loc) noexcept {
  const std::string_view file = loc.file_name(), fn = loc.function_name();
  if (file.empty() && fn.empty()) return true;
  return file.find("/include/lockorder/") != std::string_view::npos ||
         file.find("/c++/") != std::string_view::npos ||
         fn.starts_with("std::") || fn.find(" std::") < fn.find('(');
}

// "void ns::f(T) [with T = x]" -> "ns::f": the name alone, as lockdep prints it, the same
// for both compilers' source_location::function_name() (GCC's "{anonymous}" is spelled
// as clang and the demangler spell it, "(anonymous namespace)"), and as the symbolizer
// names frames (sym::function_name: return type, parameters and qualifiers dropped).
LOCKORDER_COLD std::string short_function(std::string_view f) {
  if (f.ends_with(']')) {  // the template arguments: GCC " [with T = x]", clang " [T = x]"
    int depth = 0;
    for (std::size_t i = f.size(); i-- > 0;) {
      depth += f[i] == ']' ? 1 : f[i] == '[' ? -1 : 0;
      if (depth == 0) {
        if (i > 0 && f[i - 1] == ' ') f = f.substr(0, i - 1);
        break;
      }
    }
  }
  std::string name(f);
  for (std::size_t p = name.find("{anonymous}"); p != std::string::npos;
       p = name.find("{anonymous}", p))
    name.replace(p, 11, "(anonymous namespace)");
  return sym::function_name(name);
}

// A report site, decided under big_lock: the source location when it is the user's code;
// otherwise the addresses to name it from (resolve_site(), once the lock is dropped: it
// reads debug info, allocates, and dladdr() takes the dynamic loader's lock).
LOCKORDER_COLD site make_site(const std::source_location& loc, void* pc, void* ret,
                              void* const* frames = nullptr, std::size_t n = 0) {
  site s;
  const bool user_loc = !internal_location(loc);
  if (user_loc) {
    s.function = short_function(loc.function_name());
    s.file = loc.file_name();
    s.line = loc.line();
  }
  if (!user_loc || (LOCKORDER_STACKTRACE && n)) {
    s.raw_addresses.reserve(2 + n);
    s.raw_addresses.push_back(user_loc ? nullptr : pc);
    s.raw_addresses.push_back(user_loc ? nullptr : ret);
    s.raw_addresses.insert(s.raw_addresses.end(), frames, frames + n);
  }
  return s;
}

// "function (file:line)", as a stack line.
LOCKORDER_COLD std::string frame_text(const resolved_frame& f) {
  if (f.file.empty()) return f.function;
  return f.function + " (" + f.file + ":" + std::to_string(f.line) + ")";
}

// Names a site from its addresses, outside big_lock: the first frame that is neither
// lockorder's nor the standard library's, looking through inlined calls (at -O2 the
// lock's code is inlined into the user's function: the pc names the user's statement),
// then the caller (at -O0 std::lock_guard's constructor is a call: the return address
// names it), then the captured stack.
LOCKORDER_COLD void resolve_site(site& s) {
  if (s.raw_addresses.empty()) return;
  const std::vector<void*> a = std::move(s.raw_addresses);
  s.raw_addresses.clear();
  const bool name_it = s.function.empty() && s.file.empty();
  std::vector<resolved_frame> stack;
  for (std::size_t i = 2; i < a.size(); ++i) stack.push_back(resolve_frame(a[i], true));
  if (name_it) {
    // No user frame at all (a static destructor run by exit(), say): the first named
    // frame that is not lockorder's own.
    auto lockorders = [](const resolved_frame& f) {
      return f.function.empty() || f.function.starts_with("lockorder::") ||
             f.file.find("/include/lockorder/") != std::string::npos;
    };
    std::optional<resolved_frame> found, fallback;
    for (std::size_t i = 0; i < 2 && !found; ++i) {
      if (!a[i]) continue;
      for (resolved_frame& f : resolve_inline_frames(a[i], i == 1)) {
        if (!is_internal(f)) {
          found = std::move(f);
          break;
        }
        if (!fallback && !lockorders(f)) fallback = std::move(f);
      }
    }
    for (std::size_t i = 0; i < stack.size() && !found; ++i) {
      if (!is_internal(stack[i])) found = stack[i];
      else if (!fallback && !lockorders(stack[i])) fallback = stack[i];
    }
    if (!found) found = fallback;
    if (found) {
      s.function = std::move(found->function);
      s.file = std::move(found->file);
      s.line = found->line;
    }
  }
  if (LOCKORDER_STACKTRACE) {
    // From the first frame that is not lockorder's own (the capture starts inside it).
    std::size_t first = 0;
    while (first < stack.size() && (stack[first].function.starts_with("lockorder::") ||
                                    stack[first].file.find("/include/lockorder/") != std::string::npos))
      ++first;
    if (first == stack.size()) first = 0;
    for (std::size_t i = first; i < stack.size(); ++i) s.stack.push_back(frame_text(stack[i]));
  }
}

LOCKORDER_COLD void resolve_sites(lock_info& l) { resolve_site(l.acquired_at); }

// Every site of a report, after big_lock is dropped.
LOCKORDER_COLD void resolve_sites(report& r) {
  resolve_sites(r.acquiring);
  for (lock_info& l : r.held) resolve_sites(l);
  for (dependency& d : r.chain) {
    resolve_sites(d.from);
    resolve_sites(d.to);
    resolve_site(d.first_seen);
    resolve_site(d.from_acquired_at);
  }
  resolve_site(r.taken_at);
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
