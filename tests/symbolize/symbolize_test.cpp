// tests/symbolize/symbolize_test.cpp — lockorder/detail/symbolize.hpp on code addresses in
// known user functions: a lambda, std::lock_guard<std::mutex> (inlined at -O2), an
// anonymous namespace, templates, a function's entry; the first user frame of a captured
// stack; module+offset and bare addresses; two threads symbolizing at once from a cold
// start. Exit status 0 when every check passes.
//
// tests/symbolize/CMakeLists.txt builds it at -O0 and -O2 with -g:
//   LOCKORDER_SYMBOLIZER=1 without -rdynamic: function, file and line are checked;
//   LOCKORDER_SYMBOLIZER=0 (addr2line) without -rdynamic: the same;
//   LOCKORDER_SYMBOLIZER=0 LOCKORDER_ADDR2LINE=0 with -rdynamic: function names only
//   (dladdr() knows only the exported symbols; functions with internal linkage are
//   module+offset, and internal).
#include <lockorder/detail/symbolize.hpp>
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>

// Section 8 runs a fiber (swapcontext), which the sanitizers do not follow.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define SANITIZED 1
#  endif
#endif
#ifndef SANITIZED
#  define SANITIZED 0
#endif
#if SANITIZED
#  define FIBER_TEST 0
#endif
// Section 7 with binutils' addr2line on clang's -O2 code built with ASan+UBSan: the sites
// come out as take_ba at unique_lock.h:69 and main at the call of take_ba (without the
// sanitizers: take_ba at the unique_lock's line). Printed, not checked, there: a known
// limit of that combination (issue 13's closing note), not of the sites elsewhere.
#if SANITIZED && defined(__OPTIMIZE__) && !LOCKORDER_SYMBOLIZER
#  define SITES_CHECKED 0
#else
#  define SITES_CHECKED 1
#endif
#if !defined(FIBER_TEST) && defined(__x86_64__)
#  define FIBER_TEST 1
#elif !defined(FIBER_TEST)
#  define FIBER_TEST 0
#endif

#if defined(__clang__)
#  define NOINLINE [[gnu::noinline]]
#else
#  define NOINLINE [[gnu::noinline, gnu::noipa]]  // no clones, no interprocedural shortcuts
#endif

namespace rt = lockorder::detail::rt;

namespace {

int failures = 0;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      ++failures;                                                          \
      std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);          \
      std::printf(__VA_ARGS__);                                            \
      std::printf("\n");                                                   \
    }                                                                      \
  } while (0)

}  // namespace

struct probe {
  const void* ret = nullptr;
  unsigned line = 0;
};

// The return address into its caller: the call's line is the probe's line.
NOINLINE const void* caller_address() { return __builtin_return_address(0); }
#define PROBE(p) ((p).ret = caller_address(), (p).line = __LINE__)

// std::lock_guard<std::mutex> ends in pthread_mutex_lock(). This definition interposes the
// C library's: when armed, it records the stack as lockorder's validator does (backtrace()),
// then forwards. Not inlined: frame 0 of the stack is this function, frame 1 its caller.
namespace {
thread_local bool armed = false;
void* lock_stack[32];
int lock_depth = 0;
using lock_fn = int (*)(pthread_mutex_t*);
std::atomic<lock_fn> real_lock{nullptr};
}  // namespace

extern "C" NOINLINE int pthread_mutex_lock(pthread_mutex_t* m) noexcept {
  if (armed) {
    armed = false;
    lock_depth = ::backtrace(lock_stack, 32);
  }
  lock_fn f = real_lock.load(std::memory_order_acquire);
  if (!f) {
    // Under ThreadSanitizer, its interceptor (which this definition displaces when the
    // runtime is linked in statically, as clang does), so it still sees every lock.
    for (const char* name :
         {"__interceptor_pthread_mutex_lock", "___interceptor_pthread_mutex_lock"})
      if (!f) f = reinterpret_cast<lock_fn>(dlsym(RTLD_DEFAULT, name));
    if (!f) f = reinterpret_cast<lock_fn>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
    real_lock.store(f, std::memory_order_release);
  }
  return f(m);
}

// ---- the user functions ---------------------------------------------------------------

std::mutex mu;
int counter = 0;
unsigned lock_guard_line = 0;

NOINLINE void lock_guard_user() {
  armed = true;
  std::lock_guard<std::mutex> g(mu); lock_guard_line = __LINE__;
  ++counter;
}

// A report's sites when std::unique_lock takes the locks: at -O0 its constructor and
// lock() are real calls, and the outermost lock is taken on the fast path (no stack is
// captured), so only the entry's walked callers name take_ba (section 7).
LOCKORDER_CLASS(site_a);
LOCKORDER_CLASS(site_b);
lockorder::mutex<site_a> site_a_lock;
lockorder::mutex<site_b> site_b_lock;
unsigned ab_line_a = 0, ab_line_b = 0, ba_line_b = 0, ba_line_a = 0;

NOINLINE void take_ab() {
  std::unique_lock a(site_a_lock); ab_line_a = __LINE__;
  std::unique_lock b(site_b_lock); ab_line_b = __LINE__;
}

NOINLINE void take_ba() {
  std::unique_lock b(site_b_lock); ba_line_b = __LINE__;
  std::unique_lock a(site_a_lock); ba_line_a = __LINE__;
}

// A lock taken on a fiber's stack, entered with a frame pointer that optimized code may
// have left holding anything: here, an address in an unmapped page. At -O0 the caller
// walk must see that the frame is not on the thread's stack and not follow it (section 8).
LOCKORDER_CLASS(fiber_lock);
lockorder::mutex<fiber_lock> fiber_mutex;
bool fiber_ran = false;
void fiber_body() {
  std::unique_lock g(fiber_mutex);
  fiber_ran = true;
}

probe lambda_probe;
NOINLINE void run_lambda() {
  auto lam = [](probe& p) __attribute__((noinline)) { PROBE(p); };
  lam(lambda_probe);
}

namespace {
NOINLINE void anon_fn(probe& p) { PROBE(p); }
}  // namespace

template <class T>
NOINLINE void tmpl_fn(probe& p, T) { PROBE(p); }

template <class T>
struct box {
  NOINLINE void get(probe& p) const { PROBE(p); }
};

namespace outer::inner {
NOINLINE void entry_fn(probe& p) { PROBE(p); } constexpr unsigned entry_fn_line = __LINE__;
}  // namespace outer::inner

// ---- expectations -------------------------------------------------------------------

namespace {

struct expectation {
  const char* what;
  const void* addr;
  bool return_address;
  std::string function;  // exact
  unsigned line;         // 0: not checked
  bool check_file;
};

bool ends_with(std::string_view s, std::string_view t) { return s.ends_with(t); }

std::string describe(const rt::resolved_frame& f) {
  return "'" + f.function + "' at '" + f.file + "':" + std::to_string(f.line);
}

// The frame after the interposer's (frame 0, or 1 under a sanitizer, whose backtrace()
// interceptor is frame 0): where lockorder's validator would start too.
int past_interposer(void* const* frames, int n) {
  for (int i = 0; i < n; ++i)
    if (rt::resolve_frame(frames[i], true).function == "pthread_mutex_lock") return i + 1;
  return n;
}

// The first frame of a captured stack that is not internal.
rt::resolved_frame first_user_frame(void* const* frames, int n) {
  for (int i = past_interposer(frames, n); i < n; ++i) {
    rt::resolved_frame f = rt::resolve_frame(frames[i], true);
    if (!rt::is_internal(f)) return f;
  }
  return {};
}

bool matches(const expectation& e, const rt::resolved_frame& f) {
  if (f.function != e.function) return false;
#if LOCKORDER_SYMBOLIZER || LOCKORDER_ADDR2LINE
  if (e.check_file && !ends_with(f.file, "symbolize_test.cpp")) return false;
  if (e.line && f.line != e.line) return false;
#endif
  return true;
}

std::string module_placeholder(const void* in_module, std::size_t offset) {
  Dl_info i{};
  dladdr(const_cast<void*>(in_module), &i);
  const char* base = std::strrchr(i.dli_fname, '/');
  char buf[300];
  std::snprintf(buf, sizeof buf, "%s+0x%zx", base ? base + 1 : i.dli_fname, offset);
  return buf;
}

void check_function_name() {
  const struct {
    const char* demangled;
    const char* name;
  } cases[] = {
      {"void (anonymous namespace)::f<int>(int) [clone .isra.0]", "(anonymous namespace)::f<int>"},
      {"(anonymous namespace)::worker()", "(anonymous namespace)::worker"},
      {"run()::{lambda()#1}::operator()() const", "run()::{lambda()#1}::operator()"},
      {"Foo::bar() const::{lambda(int)#1}::operator()(int) const",
       "Foo::bar() const::{lambda(int)#1}::operator()"},
      {"run()::$_0::operator()() const", "run()::$_0::operator()"},
      {"bool operator< <X>(X const&, X const&)", "operator< <X>"},
      {"S::operator<<(int)", "S::operator<<"},
      {"ns::S<int>::operator->() const", "ns::S<int>::operator->"},
      {"S::operator int() const", "S::operator int"},
      {"S::operator()(int) &&", "S::operator()"},
      {"operator new[](unsigned long)", "operator new[]"},
      {"std::vector<int, std::allocator<int> > make<int>(unsigned long)", "make<int>"},
      {"char const* name<int>()", "name<int>"},
      {"unsigned long sz<int>()", "sz<int>"},
      {"decltype ((({parm#1}.get)())) call<S>(S&)", "call<S>"},
      {"int (anonymous namespace)::g<(anonymous namespace)::K>()",
       "(anonymous namespace)::g<(anonymous namespace)::K>"},
      {"non-virtual thunk to Derived::f()", "Derived::f"},
      {"f() [clone .cold]", "f"},
      {"main", "main"},
  };
  for (const auto& c : cases) {
    const std::string got = rt::sym::function_name(c.demangled);
    CHECK(got == c.name, "function_name(\"%s\") = \"%s\", expected \"%s\"", c.demangled,
          got.c_str(), c.name);
  }
  CHECK(rt::sym::pretty("main.cold") == "main", "clone suffix of a plain name");
  CHECK(rt::sym::pretty("_ZN12_GLOBAL__N_13fooEv") == "(anonymous namespace)::foo",
        "%s", rt::sym::pretty("_ZN12_GLOBAL__N_13fooEv").c_str());
}

void check_is_internal() {
  const struct {
    rt::resolved_frame f;
    bool internal;
  } cases[] = {
      {{"std::mutex::lock", "/usr/include/c++/12/bits/std_mutex.h", 100}, true},
      {{"std::lock_guard<std::mutex>::lock_guard", "", 0}, true},
      {{"__gthread_mutex_lock", "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h", 749},
       true},
      {{"lock", "/usr/lib/llvm-16/bin/../include/c++/v1/__mutex_base", 90}, true},
      {{"__gnu_cxx::__normal_iterator<int*>::operator++", "", 0}, true},
      {{"lockorder::detail::rt::acquire_slow", "/src/a.cpp", 1}, true},
      {{"guard_ctor", "/work/main/include/lockorder/mutex.hpp", 12}, true},
      {{"__libc_start_call_main", "", 0}, true},
      {{"__GI__IO_puts", "./libio/ioputs.c", 33}, true},  // glibc, with its debug info
      {{"_Unwind_Backtrace", "", 0}, true},
      {{"", "", 0}, true},
      {{"prog+0x1234", "", 0}, true},
      {{"0x7f0012345678", "", 0}, true},
      {{"user", "/home/u/c++/proj/a.cpp", 3}, false},
      {{"__static_initialization_and_destruction_0", "/src/a.cpp", 10}, false},
      {{"(anonymous namespace)::worker", "/src/a.cpp", 10}, false},
      {{"user<std::mutex>", "/src/a.cpp", 10}, false},
      {{"operator+", "/src/a.cpp", 3}, false},
      {{"std::hash<key>::operator()", "/src/key.hpp", 5}, false},  // the user's specialization
      {{"std::condition_variable::wait",
        "/build/gcc-12/src/libstdc++-v3/src/c++11/condition_variable.cc", 41}, true},
      {{"std::__1::mutex::lock", "/llvm-project/libcxx/src/mutex.cpp", 40}, true},
      {{"std::_Function_handler<void (), main::{lambda()#1}>::_M_invoke", "/src/a.cpp", 11},
       false},  // a lambda's body at -O2, as addr2line names it
      {{"start_thread", "", 0}, false},  // a named frame of no one's in particular
  };
  for (const auto& c : cases)
    CHECK(rt::is_internal(c.f) == c.internal, "is_internal(%s) != %d", describe(c.f).c_str(),
          c.internal);
}

// binutils' addr2line -f -i output (as the server runs it) for a lambda called through std::function at -O2
// (g++ 12): the lambda's body, inlined, is named after the invoker. Parsed, it is named
// as libbacktrace and -O0 code name it.
void check_addr2line_lambda() {
#if !LOCKORDER_SYMBOLIZER && LOCKORDER_ADDR2LINE
  const std::vector<rt::resolved_frame> chain = rt::sym::parse_addr2line(
      "_ZNSt17_Function_handlerIFvvEZ4mainEUlvE_E9_M_invokeERKSt9_Any_data\n"
      "/tmp/lam.cpp:11\n"
      "__invoke_impl<void, main()::<lambda()>&>\n"
      "/usr/include/c++/12/bits/invoke.h:61\n"
      "_M_invoke\n"
      "/usr/include/c++/12/bits/std_function.h:290\n");
  CHECK(chain.size() == 3 && chain[0].function == "main::{lambda()#1}::operator()" &&
            chain[0].file == "/tmp/lam.cpp" && chain[0].line == 11 && !rt::is_internal(chain[0]),
        "lambda through std::function: %s", chain.empty() ? "none" : describe(chain[0]).c_str());
  std::printf("ok   %-24s %s\n", "addr2line lambda", chain.empty() ? "" : describe(chain[0]).c_str());
#endif
}

}  // namespace

int main() {
  // Warm glibc's backtrace() (it loads the unwinder on first use) before it runs inside
  // pthread_mutex_lock. No symbolization happens before the threads below.
  void* warm[4];
  ::backtrace(warm, 4);

  lock_guard_user();
  void* const* const stack = lock_stack;
  const int depth = lock_depth;
  run_lambda();
  probe anon, tmpl, member, entry;
  anon_fn(anon);
  tmpl_fn(tmpl, 42);
  box<long>{}.get(member);
  outer::inner::entry_fn(entry);

  // libbacktrace or addr2line: names, files and lines from the debug info.
  const bool backtrace_backend = LOCKORDER_SYMBOLIZER == 1 || LOCKORDER_ADDR2LINE;
#if defined(__clang__)
  const std::string lambda_name = "run_lambda()::$_0::operator()";
#else
  const std::string lambda_name = "run_lambda()::{lambda(probe&)#1}::operator()";
#endif
  std::vector<expectation> expect = {
      {"lambda", lambda_probe.ret, true, lambda_name, lambda_probe.line, true},
      {"anonymous namespace", anon.ret, true, "(anonymous namespace)::anon_fn", anon.line, true},
      {"function template", tmpl.ret, true, "tmpl_fn<int>", tmpl.line, true},
      {"class template member", member.ret, true, "box<long>::get", member.line, true},
      {"nested namespace", entry.ret, true, "outer::inner::entry_fn", entry.line, true},
      {"function entry (a pc)", reinterpret_cast<const void*>(&outer::inner::entry_fn), false,
       "outer::inner::entry_fn", outer::inner::entry_fn_line, true},
  };
  // dladdr() names only exported functions: not the lambda (no linkage) nor the anonymous
  // namespace's function (internal linkage); those are checked in 3.
  if (!backtrace_backend) expect.erase(expect.begin(), expect.begin() + 2);

  // 1. Two threads from a cold start (the first call creates libbacktrace's state), then
  // over and over: every result as expected, no crash.
  std::atomic<int> mismatches{0};
  std::atomic<bool> go{false};
  auto worker = [&] {
    while (!go.load()) {
    }
    for (int round = 0; round < 200; ++round)
      for (const expectation& e : expect)
        if (!matches(e, rt::resolve_frame(e.addr, e.return_address))) ++mismatches;
  };
  std::thread t1(worker), t2(worker);
  go = true;
  t1.join();
  t2.join();
  CHECK(mismatches == 0, "%d mismatches between two threads", mismatches.load());

  // 2. Each expectation, with what came out.
  for (const expectation& e : expect) {
    const rt::resolved_frame f = rt::resolve_frame(e.addr, e.return_address);
    const int before = failures;
    CHECK(matches(e, f), "%s: got %s, expected '%s' line %u", e.what, describe(f).c_str(),
          e.function.c_str(), e.line);
    CHECK(!rt::is_internal(f), "%s: %s is internal", e.what, describe(f).c_str());
    std::printf("%s %-24s %s\n", failures == before ? "ok  " : "FAIL", e.what,
                describe(f).c_str());
  }

  // 3. Functions with internal linkage under dladdr(): module+offset, and internal.
  if (!backtrace_backend) {
    for (const probe* p : {&lambda_probe, &anon}) {
      const rt::resolved_frame f = rt::resolve_frame(p->ret, true);
      CHECK(f.function.find("+0x") != std::string::npos && rt::is_internal(f),
            "internal linkage under dladdr: %s", describe(f).c_str());
      std::printf("ok   %-24s %s\n", "internal linkage", describe(f).c_str());
    }
  }

  // 4. std::lock_guard<std::mutex>: the first user frame of the stack captured in
  // pthread_mutex_lock is lock_guard_user, at the lock_guard's line. At -O2 the guard's
  // constructor, std::mutex::lock and __gthread_mutex_lock are inlined into it: its
  // frame's inline chain has them first, then lock_guard_user, the outermost.
  {
    CHECK(depth > 2, "no stack captured in pthread_mutex_lock");
    const rt::resolved_frame f = first_user_frame(stack, depth);
    CHECK(f.function == "lock_guard_user", "first user frame: %s", describe(f).c_str());
    if (backtrace_backend) {
      CHECK(ends_with(f.file, "symbolize_test.cpp") && f.line == lock_guard_line,
            "first user frame: %s, expected line %u", describe(f).c_str(), lock_guard_line);
    }
    std::printf("ok   %-24s %s\n", "lock_guard (stack)", describe(f).c_str());
    // The frames up to it, as a report lists them.
    for (int i = past_interposer(stack, depth); i < depth; ++i) {
      const std::vector<rt::resolved_frame> chain = rt::resolve_inline_frames(stack[i], true);
      for (std::size_t k = 0; k < chain.size(); ++k)
        std::printf("       #%d.%zu %s%s\n", i, k, describe(chain[k]).c_str(),
                    rt::is_internal(chain[k]) ? "  (internal)" : "");
      if (chain.back().function == "lock_guard_user") {
        for (std::size_t k = 0; k + 1 < chain.size(); ++k)
          CHECK(rt::is_internal(chain[k]), "inlined std frame not internal: %s",
                describe(chain[k]).c_str());
        break;
      }
    }
  }

  // 5. Nothing named: a null address; an address in the executable that no symbol covers
  // (its ELF header): module+offset; an address in no module: the bare address.
  {
    const rt::resolved_frame null = rt::resolve_frame(nullptr, true);
    CHECK(null.function.empty() && rt::is_internal(null), "null: %s", describe(null).c_str());

    Dl_info self{};
    dladdr(reinterpret_cast<void*>(&caller_address), &self);
    const void* header = static_cast<const char*>(self.dli_fbase) + 0x10;
    const rt::resolved_frame h = rt::resolve_frame(header, false);
    CHECK(h.function == module_placeholder(header, 0x10) && h.file.empty() && h.line == 0 &&
              rt::is_internal(h),
          "ELF header: %s", describe(h).c_str());
    std::printf("ok   %-24s %s\n", "no symbol", describe(h).c_str());

    void* page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const rt::resolved_frame a = rt::resolve_frame(static_cast<char*>(page) + 16, false);
    CHECK(a.function.starts_with("0x") && rt::is_internal(a), "no module: %s",
          describe(a).c_str());
    std::printf("ok   %-24s %s\n", "no module", describe(a).c_str());
    munmap(page, 4096);
  }

  // 6. A function of the C library: named from its dynamic symbol table, never module+offset.
  {
    const rt::resolved_frame f =
        rt::resolve_frame(reinterpret_cast<const void*>(&std::puts), false);
    CHECK(f.function.find("puts") != std::string::npos && !rt::sym::is_placeholder(f),
          "puts: %s", describe(f).c_str());
    std::printf("ok   %-24s %s\n", "libc", describe(f).c_str());
  }

  // 7. A cycle through std::unique_lock: every site is the user's function (and line,
  // from the debug info), the outermost held lock's too.
  {
    std::vector<lockorder::report> got;
    {
      lockorder::scoped_report_handler h([&](const lockorder::report& r) { got.push_back(r); });
      take_ab();
      take_ba();
    }
    CHECK(got.size() == 1 && got[0].kind == lockorder::report_kind::circular_dependency,
          "%zu reports", got.size());
    if (got.size() == 1 && got[0].held.size() == 1 && got[0].chain.size() == 2) {
      const lockorder::report& r = got[0];
      struct {
        const char* what;
        const lockorder::site& s;
        const char* function;
        unsigned line;
      } const sites[] = {
          {"held, outermost", r.held[0].acquired_at, "take_ba", ba_line_b},
          {"acquiring", r.acquiring.acquired_at, "take_ba", ba_line_a},
          {"seen: b taken", r.chain[0].first_seen, "take_ab", ab_line_b},
          {"seen: a held", r.chain[0].from_acquired_at, "take_ab", ab_line_a},
      };
      for (const auto& c : sites) {
        const int before = failures;
        if (!SITES_CHECKED) {
          std::printf("not checked (sanitizers, -O2, addr2line) report site: %-16s %s (%s:%u)\n",
                      c.what, c.s.function.c_str(), c.s.file.c_str(), c.s.line);
          continue;
        }
        CHECK(c.s.function == c.function, "%s: '%s', expected %s", c.what,
              c.s.function.c_str(), c.function);
        if (backtrace_backend)
          CHECK(ends_with(c.s.file, "symbolize_test.cpp") && c.s.line == c.line,
                "%s: %s:%u, expected line %u", c.what, c.s.file.c_str(), c.s.line, c.line);
        std::printf("%s report site: %-16s %s (%s:%u)\n", failures == before ? "ok  " : "FAIL",
                    c.what, c.s.function.c_str(), c.s.file.c_str(), c.s.line);
      }
    } else {
      CHECK(false, "report shape: %zu held, %zu dependencies",
            got.empty() ? 0 : got[0].held.size(), got.empty() ? 0 : got[0].chain.size());
    }
  }

  // 8. The fiber: it takes its lock and comes back (it used to die in the caller walk).
#if FIBER_TEST
  {
    { std::unique_lock g(fiber_mutex); }  // this thread's stack found first
    char* gap = static_cast<char*>(
        mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    munmap(gap, 4096);
    constexpr std::size_t size = 1 << 16;
    void* stack = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ucontext_t main_ctx, fiber_ctx;
    getcontext(&fiber_ctx);
    fiber_ctx.uc_stack.ss_sp = stack;
    fiber_ctx.uc_stack.ss_size = size;
    fiber_ctx.uc_link = &main_ctx;
    makecontext(&fiber_ctx, fiber_body, 0);
    fiber_ctx.uc_mcontext.gregs[REG_RBP] = reinterpret_cast<greg_t>(gap + 64);
    swapcontext(&main_ctx, &fiber_ctx);
    CHECK(fiber_ran, "the fiber did not run");
    std::printf("ok   %-24s a lock on a fiber with a stale frame pointer\n", "fiber");
    munmap(stack, size);
  }
#endif

  check_function_name();
  check_is_internal();
  check_addr2line_lambda();

  std::printf("%s: %d failure(s) (backend %s)\n", failures ? "FAILED" : "PASSED", failures,
              LOCKORDER_SYMBOLIZER ? "libbacktrace" : backtrace_backend ? "addr2line" : "dladdr");
  return failures ? 1 : 0;
}
