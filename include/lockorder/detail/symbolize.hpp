// lockorder/detail/symbolize.hpp — code addresses to function, file and line, for the
// sites of run-time reports. Internal: not a stable interface. Not async-signal-safe
// (allocates, locks); safe to call from several threads at once (they take turns).
//
// LOCKORDER_SYMBOLIZER selects the backend (define it before including this header):
//
//   1 = DWARF through GCC's libbacktrace, the library behind Boost.Stacktrace's
//       BOOST_STACKTRACE_USE_BACKTRACE backend, called directly (not through
//       boost::stacktrace::frame: see "Why not boost::stacktrace::frame" below). Gives
//       file:line from the line table and names from the debug info or the ELF symbol
//       table (.symtab), so -rdynamic is not needed; needs -g for file:line. The
//       translation unit that includes this header needs <backtrace.h> and the program
//       links libbacktrace.a (cmake/symbolizer.cmake: target lockorder_backtrace):
//         g++ 12:       nothing for the header (it is in GCC's own include directory);
//                       link with -lbacktrace (the driver searches
//                       /usr/lib/gcc/x86_64-linux-gnu/12, where libbacktrace.a is).
//         clang++-16:   -idirafter /usr/lib/gcc/x86_64-linux-gnu/12/include for the
//                       header (-idirafter, not -I: that directory also holds GCC's own
//                       stddef.h, xmmintrin.h, ..., which must never shadow clang's);
//                       link with -lbacktrace (clang's driver adds -L for the GCC
//                       installation it selected, the same directory).
//       libbacktrace.a is position-independent: it links into shared objects too (add
//       -Wl,--exclude-libs,libbacktrace.a there, so its backtrace_* symbols are not
//       exported from yours). It reads the modules loaded at the first look-up; code in a
//       library dlopen()ed later is named by dladdr(), without file:line. Cost: the first
//       look-up reads the symbol tables and DWARF address ranges of every loaded module
//       (with their separate debug files from /usr/lib/debug, libc6-dbg's for instance)
//       and the first look-up in a compilation unit reads its line table and functions:
//       in a 2 MB lockorder program (-O2 -g), about 30 ms and 6 MB in all (150 ms and
//       27 MB with libc6-dbg installed); later look-ups 1-2 microseconds. The memory is
//       never freed.
//   0 = binutils' addr2line, run at report time (symbolize_addr2line.hpp): the same
//       inline chain, file:line and names, from the debug info or the ELF symbol table,
//       with no flag and no library; a few milliseconds per address first seen. Where
//       addr2line is missing (or LOCKORDER_ADDR2LINE=0, LOCKORDER_OPTIONS=addr2line=0):
//       dladdr() only, the function from the dynamic symbol table (the executable's own
//       functions are there only with -rdynamic), never file:line.
//
// Default: 0. cmake/symbolizer.cmake's INTERFACE target lockorder_symbolizer defines 1
// (and links libbacktrace) when libbacktrace is found, 0 otherwise: for the one target
// that compiles the validator. Header-only users opt in with the define and the flags above.
//
// What a frame says, in order of preference:
//   function: the demangled name without return type and parameter list, exactly as the
//     demangler spells the rest ("(anonymous namespace)::f", "ns::S<int>::get",
//     "f()::{lambda()#1}::operator()" with GCC, "f()::$_0::operator()" with clang): from
//     the debug info, else from the ELF symbol table, else from dladdr(); only when none
//     names it, "module+0xoffset" (offset from the module's load address, for addr2line
//     -e module), or the bare address when not even the module is known.
//   file, line: from the line table; for code inlined into the function (std::lock_guard's
//     constructor at -O2, say), those of the statement in the outermost function of the
//     inline chain at that address, which is the one resolve_frame() returns.
//
// Why not boost::stacktrace::frame (Boost 1.81, header-only, BOOST_STACKTRACE_USE_BACKTRACE):
// its libbacktrace_full_callback (boost/stacktrace/detail/libbacktrace_impls.hpp:47-57)
// returns 0, so libbacktrace reports every frame of an inline chain, innermost first, and
// the last one written (the outermost) wins: the right frame. But (1) construct_state()
// (same file, 71-112) makes one state per thread (thread_local, threaded = 0): every new
// thread that symbolizes reads the debug info again, and the memory is never freed (in
// the 2 MB program above, 30 ms and 6 MB more for each thread); (2)
// frame::name() asks dladdr() first (frame_unwind.ipp:87-100), then always runs
// backtrace_syminfo() after backtrace_pcinfo() (`pcinfo(...) || syminfo(...)`, and pcinfo
// returns 0 on success), and gives the whole signature, clone suffixes included; name,
// file and line are three separate look-ups; (3) stacktraces it collects hold raw return
// addresses (collect_unwind.ipp:53-55), which name the statement after the call; (4)
// frame::name(), source_file() and source_line() are inline functions whose body depends
// on the backend macro: a program where another translation unit includes Boost.Stacktrace
// with its default backend breaks the one-definition rule. Here: one state for the
// process, behind one lock (see backtrace_mutex()); one look-up per address.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cxxabi.h>
#include <dlfcn.h>
#include <pthread.h>

#ifndef LOCKORDER_SYMBOLIZER
#  define LOCKORDER_SYMBOLIZER 0
#endif
#ifndef LOCKORDER_ADDR2LINE  // with LOCKORDER_SYMBOLIZER=0: symbolize_addr2line.hpp
#  define LOCKORDER_ADDR2LINE 1
#endif
#if LOCKORDER_SYMBOLIZER != 0 && LOCKORDER_SYMBOLIZER != 1
#  error "lockorder: LOCKORDER_SYMBOLIZER must be 0 or 1"
#endif
#if LOCKORDER_SYMBOLIZER
#  if defined(__has_include)
#    if !__has_include(<backtrace.h>)
#      error "lockorder: LOCKORDER_SYMBOLIZER=1 needs <backtrace.h>: with clang, -idirafter $(g++ -print-file-name=include)"
#    endif
#  endif
#  include <backtrace.h>
#endif

// As in rt_hot.hpp: inline in every translation unit, or external definitions in the one
// translation unit that compiles the validator (validator.ipp defines it empty).
#ifndef LOCKORDER_COLD
#  define LOCKORDER_COLD inline
#endif

// The backend is part of the names, so translation units built with different backends
// get different functions instead of one inline definition chosen by the linker.
#if LOCKORDER_SYMBOLIZER
#  define LOCKORDER_SYMBOLIZER_NS symbolizer_backtrace
#elif LOCKORDER_ADDR2LINE
#  define LOCKORDER_SYMBOLIZER_NS symbolizer_addr2line
#else
#  define LOCKORDER_SYMBOLIZER_NS symbolizer_dladdr
#endif

namespace lockorder::detail::rt {
inline namespace LOCKORDER_SYMBOLIZER_NS {

struct resolved_frame {
  std::string function;  // see above; empty only for a null address
  std::string file;      // as the debug info spells it (absolute with the usual -g); or empty
  unsigned line = 0;     // 0 when unknown
};

namespace sym {

inline constexpr std::size_t npos = std::string_view::npos;

inline bool ident_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// "operator" as a whole word at i.
inline bool operator_at(std::string_view s, std::size_t i) noexcept {
  return s.substr(i).starts_with("operator") && (i == 0 || !ident_char(s[i - 1])) &&
         (i + 8 == s.size() || !ident_char(s[i + 8]));
}

// Past the operator name that starts at i ("operator<", "operator()", "operator new[]",
// "operator std::string", "operator\"\" _km"): its characters must not count as brackets
// or as the space before a return type.
inline std::size_t skip_operator(std::string_view s, std::size_t i) noexcept {
  std::size_t j = i + 8;
  if (j >= s.size()) return j;
  if ((s[j] == '(' && j + 1 < s.size() && s[j + 1] == ')') ||
      (s[j] == '[' && j + 1 < s.size() && s[j + 1] == ']'))
    return j + 2;
  if (s[j] == '"') {  // literal operator: operator"" _km
    j += 2;
    if (j < s.size() && s[j] == ' ') ++j;
    while (j < s.size() && ident_char(s[j])) ++j;
    return j;
  }
  if (s[j] == ' ') {  // new, delete (and [] forms), co_await, or a conversion's type
    int depth = 0;
    for (++j; j < s.size(); ++j) {
      const char c = s[j];
      if (c == '<' || c == '[') ++depth;
      else if ((c == '>' || c == ']') && depth > 0) --depth;
      else if (c == '(' && depth == 0) break;
    }
    return j;
  }
  while (j < s.size() && std::strchr("<>=!+-*/%^&|~,", s[j]) && s[j] != '\0') ++j;
  if (j + 1 < s.size() && s[j] == ' ' && s[j + 1] == '<') ++j;  // "operator< <int>"
  return j;
}

// A qualifier that follows a parameter list (or a const in a type): the space before it
// does not end a return type.
inline bool qualifier_at(std::string_view s, std::size_t i) noexcept {
  for (std::string_view q : {"const", "volatile", "&", "noexcept", "throw", "restrict"}) {
    if (s.substr(i).starts_with(q) &&
        (q == "&" || i + q.size() == s.size() || !ident_char(s[i + q.size()])))
      return true;
  }
  return false;
}

// A demangled function name without its return type, parameter list, qualifiers and GCC
// clone suffixes:
//   "void (anonymous namespace)::f<int>(int) [clone .isra.0]" -> "(anonymous namespace)::f<int>"
//   "run()::{lambda()#1}::operator()() const"                 -> "run()::{lambda()#1}::operator()"
//   "bool operator< <X>(X const&, X const&)"                  -> "operator< <X>"
// (rt_registry.hpp's short_function() is written for source_location::function_name():
// it counts only <> as brackets, so it cuts "(anonymous namespace)::f()" at the space in
// "(anonymous namespace)" and a lambda's name at the first '(' of "run()::{lambda()#1}".)
LOCKORDER_COLD std::string function_name(std::string_view s) {
  const std::string_view whole = s;
  for (bool again = true; again;) {  // trailing " [clone .cold]" and qualifiers
    again = false;
    if (s.ends_with("]")) {
      if (const std::size_t p = s.rfind(" [clone "); p != npos) {
        s = s.substr(0, p);
        again = true;
        continue;
      }
    }
    for (std::string_view q : {" const", " volatile", " &&", " &", " noexcept", " restrict"}) {
      if (s.ends_with(q)) {
        s.remove_suffix(q.size());
        again = true;
        break;
      }
    }
  }
  if (s.ends_with(")")) {  // the parameter list: the last balanced (...) group
    int depth = 0;
    for (std::size_t i = s.size(); i-- > 0;) {
      if (s[i] == ')') ++depth;
      else if (s[i] == '(' && --depth == 0) {
        if (i > 0) s = s.substr(0, i);
        break;
      }
    }
  }
  std::size_t start = 0;  // past the return type: the last space outside brackets
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 'o' && operator_at(s, i)) {
      i = skip_operator(s, i) - 1;
      continue;
    }
    switch (s[i]) {
      case '(': case '[': case '{': case '<': ++depth; break;
      case ')': case ']': case '}': case '>': if (depth > 0) --depth; break;
      case ' ':
        if (depth == 0 && !qualifier_at(s, i + 1)) start = i + 1;
        break;
      default: break;
    }
  }
  s = s.substr(start);
  return std::string(s.empty() ? whole : s);
}

// GCC's clone suffixes on plain (C) symbol names: "f.cold", "g.constprop.0", "h.isra.0".
inline std::string_view drop_clone_suffix(std::string_view s) noexcept {
  for (std::string_view k : {".cold", ".part.", ".isra.", ".constprop.", ".lto_priv.",
                             ".localalias", ".specialized."}) {
    const std::size_t p = s.find(k);
    if (p != npos && p > 0) s = s.substr(0, p);
  }
  return s;
}

inline bool mangled(std::string_view raw) noexcept { return raw.starts_with("_Z"); }

// A symbol or debug-info name as a function name: mangled ones demangled and shortened,
// plain ones (C functions, main, names GCC's debug info gives unmangled) as they are.
LOCKORDER_COLD std::string pretty(const std::string& raw) {
  if (mangled(raw)) {
    int status = 0;
    char* d = abi::__cxa_demangle(raw.c_str(), nullptr, nullptr, &status);
    if (status == 0 && d) {
      std::string out;
#if defined(__cpp_exceptions)
      try {
        out = function_name(d);
      } catch (...) {
        std::free(d);
        throw;
      }
#else
      out = function_name(d);
#endif
      std::free(d);
      return out;
    }
    std::free(d);
  }
  return std::string(drop_clone_suffix(raw));
}

// "module+0xoffset", or the bare address when dladdr() does not know the module.
LOCKORDER_COLD std::string placeholder(const void* addr, const Dl_info& info, bool have_info) {
  char buf[320];
  if (have_info && info.dli_fname && info.dli_fname[0]) {
    const char* base = std::strrchr(info.dli_fname, '/');
    std::snprintf(buf, sizeof buf, "%s+0x%zx", base ? base + 1 : info.dli_fname,
                  static_cast<std::size_t>(static_cast<const char*>(addr) -
                                           static_cast<const char*>(info.dli_fbase)));
  } else {
    std::snprintf(buf, sizeof buf, "%p", addr);
  }
  return buf;
}

// What placeholder() makes: no name at all. (No C++ name ends in "+0x" and hex digits,
// nor starts with "0x".)
inline bool is_placeholder(const resolved_frame& f) noexcept {
  const std::string_view s = f.function;
  std::string_view hex;
  if (s.starts_with("0x")) hex = s.substr(2);
  else if (const std::size_t p = s.rfind("+0x"); p != npos && p > 0) hex = s.substr(p + 3);
  else return false;
  if (hex.empty()) return false;
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// From dladdr(): the dynamic symbol's name, else the placeholder.
LOCKORDER_COLD void name_from_dladdr(resolved_frame& f, const void* lookup, const void* addr) {
  Dl_info info{};
  const bool ok = dladdr(const_cast<void*>(lookup), &info) != 0;
  if (ok && info.dli_sname && info.dli_sname[0]) f.function = pretty(info.dli_sname);
  else f.function = placeholder(addr, info, ok);
}

#if !LOCKORDER_SYMBOLIZER && LOCKORDER_ADDR2LINE
}  // namespace sym
}  // namespace LOCKORDER_SYMBOLIZER_NS
}  // namespace lockorder::detail::rt
#  include <lockorder/detail/symbolize_addr2line.hpp>
namespace lockorder::detail::rt {
inline namespace LOCKORDER_SYMBOLIZER_NS {
namespace sym {
#endif

#if LOCKORDER_SYMBOLIZER

// Every call into libbacktrace holds this lock. libbacktrace has a thread-safe mode, but
// libbacktrace.a is not built with -fsanitize=thread, so ThreadSanitizer cannot see its
// atomics and reports races between two threads' first look-ups in a compilation unit
// (memory handed from one thread's mmap to the other's through its free list); Boost.
// Stacktrace avoids a shared state for a crash it saw with one (its construct_state(),
// GCC bug 87653). Look-ups take about a microsecond (the first ones, which read the
// debug info, far more), and reports are rare: a lock costs nothing that matters, and the
// state can be single-threaded (threaded = 0), which frees its temporary memory.
inline std::mutex& backtrace_mutex() noexcept {
  static std::mutex m;  // constant-initialized
  return m;
}

inline void ignore_error(void*, const char*, int) noexcept {}

inline void noop_symbol(void*, std::uintptr_t, const char*, std::uintptr_t,
                        std::uintptr_t) noexcept {}

// The process's one libbacktrace state, created at the first call (backtrace_mutex()
// held). backtrace_syminfo() on any address reads the executable's and the loaded
// libraries' symbol tables and DWARF address ranges, once. Returns null when libbacktrace
// could not start (then dladdr() is all there is).
LOCKORDER_COLD ::backtrace_state* state() noexcept {
  static ::backtrace_state* const s = [] {
    // fork(): the child has one thread; the lock must not stay held by another, nor the
    // state be copied half-updated (as rt_registry.hpp does for the validator's lock).
    pthread_atfork([] { backtrace_mutex().lock(); }, [] { backtrace_mutex().unlock(); },
                   [] { backtrace_mutex().unlock(); });
    ::backtrace_state* st = ::backtrace_create_state(nullptr, 0, &ignore_error, nullptr);
    if (st)
      ::backtrace_syminfo(st, reinterpret_cast<std::uintptr_t>(&ignore_error), &noop_symbol,
                          &ignore_error, nullptr);
    return st;
  }();
  return s;
}

struct raw_frame {
  std::string function, file;
  unsigned line = 0;
};

struct collector {
  std::vector<raw_frame>* frames;
  std::string* symbol;
  bool failed = false;  // std::bad_alloc in a callback: never unwind through libbacktrace
};

// libbacktrace (GCC 12, dwarf.c read_lnct) joins a DWARF 5 file entry to its directory
// even when the name is absolute: clang, given an absolute source path, names the primary
// file "/abs/dir/f.cpp" with directory 0 (the compilation directory), which comes back as
// "/build//abs/dir/f.cpp". Compilers write directories without a trailing '/', so what
// follows "//" is the file's own absolute name.
inline std::string_view unjoin(std::string_view file) noexcept {
  const std::size_t p = file.find("//");
  return p == npos ? file : file.substr(p + 1);
}

// backtrace_pcinfo() calls this once per frame of the inline chain at the address,
// innermost first; the last call is the function that contains the address.
inline int on_frame(void* data, std::uintptr_t, const char* file, int line,
                    const char* function) noexcept {
  collector& c = *static_cast<collector*>(data);
#if defined(__cpp_exceptions)
  try {
#endif
    raw_frame f;
    if (function) f.function = function;
    if (file) f.file = unjoin(file);
    f.line = line > 0 ? static_cast<unsigned>(line) : 0;
    c.frames->push_back(std::move(f));
#if defined(__cpp_exceptions)
  } catch (...) {
    c.failed = true;
    return 1;
  }
#endif
  return 0;
}

inline void on_symbol(void* data, std::uintptr_t, const char* name, std::uintptr_t,
                      std::uintptr_t) noexcept {
  collector& c = *static_cast<collector*>(data);
  if (!name) return;
#if defined(__cpp_exceptions)
  try {
#endif
    *c.symbol = name;
#if defined(__cpp_exceptions)
  } catch (...) {
    c.failed = true;
  }
#endif
}

// "f" (or "f<int>") named by the debug info and "ns::S::f<int>" by the symbol table are the
// same function: the symbol's name has the plain one's identifier as a whole word.
inline bool same_function(std::string_view full, std::string_view plain) noexcept {
  if (full == plain) return true;
  const std::string_view id = plain.substr(0, plain.find_first_of("<("));
  if (id.empty()) return false;
  for (std::size_t p = full.find(id); p != npos; p = full.find(id, p + 1)) {
    const std::size_t e = p + id.size();
    if ((p == 0 || !ident_char(full[p - 1])) && (e == full.size() || !ident_char(full[e])))
      return true;
  }
  return false;
}

#endif  // LOCKORDER_SYMBOLIZER

}  // namespace sym

// Every frame of the inline chain at a code address, innermost first; the last is the
// function that contains the address, named and placed as described at the top. At least
// one frame. return_address: addr is a return address (from a stack trace or
// __builtin_return_address), so look up addr - 1, the call instruction: the line is the
// call's, not the next statement's. False for an address inside an instruction (a pc).
LOCKORDER_COLD std::vector<resolved_frame> resolve_inline_frames(const void* addr,
                                                                 bool return_address) {
  std::vector<resolved_frame> chain;
  if (!addr) {
    chain.emplace_back();
    return chain;
  }
  const std::uintptr_t pc = reinterpret_cast<std::uintptr_t>(addr) - (return_address ? 1 : 0);
  const void* const lookup = reinterpret_cast<const void*>(pc);
#if LOCKORDER_SYMBOLIZER
  std::vector<sym::raw_frame> raw;
  std::string symbol;
  bool have_state = false;
  {
    sym::collector c{&raw, &symbol};
    std::lock_guard<std::mutex> lock(sym::backtrace_mutex());
    if (::backtrace_state* st = sym::state()) {
      have_state = true;
      ::backtrace_pcinfo(st, pc, &sym::on_frame, &sym::ignore_error, &c);
      // The containing function: the symbol table has its full mangled name where the
      // debug info has none, or only a plain one (GCC: "main", "_FUN", static functions).
      if (!c.failed && (raw.empty() || !sym::mangled(raw.back().function)))
        ::backtrace_syminfo(st, pc, &sym::on_symbol, &sym::ignore_error, &c);
    }
#  if defined(__cpp_exceptions)
    if (c.failed) throw std::bad_alloc();
#  endif
  }
  if (have_state) {
    std::erase_if(raw, [](const sym::raw_frame& f) {
      return f.function.empty() && f.file.empty() && f.line == 0;
    });
    chain.reserve(raw.size() + 1);
    for (const sym::raw_frame& f : raw)
      chain.push_back({f.function.empty() ? std::string() : sym::pretty(f.function), f.file,
                       f.line});
    if (!symbol.empty()) {
      std::string name = sym::pretty(symbol);
      if (chain.empty()) chain.push_back({std::move(name), {}, 0});
      else if (chain.back().function.empty() || sym::same_function(name, chain.back().function))
        chain.back().function = std::move(name);
    }
  }
#elif LOCKORDER_ADDR2LINE
  sym::addr2line_frames(lookup, chain);
#endif
  if (chain.empty()) chain.emplace_back();
  if (chain.back().function.empty()) sym::name_from_dladdr(chain.back(), lookup, addr);
  return chain;
}

// The frame at a code address: the outermost function of its inline chain (the one that
// contains the address), with the file and line of its statement there.
LOCKORDER_COLD resolved_frame resolve_frame(const void* addr, bool return_address) {
  std::vector<resolved_frame> chain = resolve_inline_frames(addr, return_address);
  return std::move(chain.back());
}

// Not the user's code: lockorder's own headers (.../include/lockorder/) and namespace,
// the C++ standard library (its headers, libstdc++'s .../c++/<version>/ or libc++'s
// .../c++/v1/, its sources .../libstdc++-v3/ or .../libcxx/, and functions in std::,
// __gnu_cxx::, __cxxabiv1:: unless the debug info puts them in another file: then they
// are the user's, a specialization or an inlined lambda), names reserved to the
// implementation (__x, _X: glibc, libgcc, __gthread_*; not the functions compilers make to
// run namespace-scope initializers), and frames with no name at all (a null address, or
// only module+offset known). A caller picks the first frame for which this is false.
LOCKORDER_COLD bool is_internal(const resolved_frame& f) noexcept {
  if (f.function.empty() || sym::is_placeholder(f)) return true;
  const std::string_view file = f.file, fn = f.function;
  if (file.find("/include/lockorder/") != sym::npos) return true;
  // The standard library's sources, when its own debug info is installed.
  if (file.find("/libstdc++-v3/") != sym::npos || file.find("/libcxx/") != sym::npos) return true;
  for (std::size_t p = file.find("/c++/"); p != sym::npos; p = file.find("/c++/", p + 1)) {
    const std::string_view rest = file.substr(p + 5);
    if (rest.starts_with("v1/") ||
        (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))))
      return true;
  }
  if (fn.starts_with("lockorder::")) return true;
  // The standard library's namespaces, unless the debug info puts the code in the user's
  // file: a user's std::hash specialization, or the body of a lambda inlined into
  // std::function's invoker, which binutils' addr2line names after the invoker.
  if (file.empty())
    for (std::string_view ns : {"std::", "__gnu_cxx::", "__cxxabiv1::", "__gnu_debug::"})
      if (fn.starts_with(ns)) return true;
  // Reserved names are the implementation's, except the functions compilers generate to
  // run the user's namespace-scope initializers.
  const bool reserved =
      fn.size() > 1 && fn[0] == '_' &&
      (fn[1] == '_' || std::isupper(static_cast<unsigned char>(fn[1])));
  return reserved && !fn.starts_with("__static_initialization_and_destruction") &&
         !fn.starts_with("_GLOBAL__sub_I_") && !fn.starts_with("__cxx_global_var_init");
}

}  // namespace LOCKORDER_SYMBOLIZER_NS
}  // namespace lockorder::detail::rt
