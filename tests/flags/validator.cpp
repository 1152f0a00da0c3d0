// The run-time validator in a build with -fno-exceptions, -fno-rtti or both: one program
// per flag set (tests/flags/CMakeLists.txt), one check per ctest test.
//
//   validator handler       an AB-BA through std::lock_guard on two lockorder::mutex
//                           reaches a report handler as one circular_dependency; the
//                           graph is written as JSON
//   validator throw-option  run with LOCKORDER_OPTIONS=mode=throw. Without exceptions,
//                           one line says throw mode needs them and abort is used, and
//                           the AB-BA aborts after its report; with them, it throws
//                           lock_order_error (docs/runtime.md#without-exceptions)
//
// Exit status 0 when every check holds; a failed check is named on stderr.
#include "all_public_headers.hpp"  // generated: every public header, with the runtime on

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#if LOCKORDER_EXCEPTIONS != defined(__cpp_exceptions)
#  error "LOCKORDER_EXCEPTIONS does not follow the compiler's -fexceptions / -fno-exceptions"
#endif

LOCKORDER_CLASS(flags_a_lock);  // unranked: the order is learned at run time
LOCKORDER_CLASS(flags_b_lock);

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "FAILED: %s\n", what);
  ++failures;
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

lockorder::mutex<flags_a_lock> a;
lockorder::mutex<flags_b_lock> b;

// a then b, later b then a: the second order closes a cycle. One thread, one order at a
// time, so nothing blocks.
void ab_ba() {
  {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
  std::lock_guard gb(b);
  std::lock_guard ga(a);
}

int handler() {
  std::vector<lockorder::report> reports;
  lockorder::set_report_handler([&](const lockorder::report& r) { reports.push_back(r); });
  check(lockorder::get_report_mode() == lockorder::report_mode::callback, "mode is callback");
  ab_ba();
  check(reports.size() == 1, "one report");
  if (!reports.empty()) {
    const lockorder::report& r = reports.front();
    check(r.kind == lockorder::report_kind::circular_dependency, "it is a circular_dependency");
    check(r.acquiring.class_name == "flags_a_lock", "it is about acquiring flags_a_lock");
    check(r.held.size() == 1 && r.held[0].class_name == "flags_b_lock", "flags_b_lock is held");
    check(r.text().find("flags_b_lock") != std::string::npos, "its text names flags_b_lock");
  }
  // export.hpp: the graph written as JSON, both dependencies in it, the reported one marked.
  const lockorder::lock_graph g = lockorder::observed_graph();
  check(g.edges.size() == 2, "the graph has both dependencies");
  check(lockorder::to_json(g).find("\"reported\": true") != std::string::npos,
        "its JSON marks the reported one");
  return failures ? 1 : 0;
}

struct child_result {
  int status = 0;   // as waitpid() gives it
  std::string err;  // what the child wrote on stderr (echoed on ours)
};

// Runs f() in a child process whose exit status is f's result.
template <class F>
child_result in_child(F f) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    const int status = f();
    std::fflush(stderr);
    std::_Exit(status);
  }
  close(fds[1]);
  child_result r;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    r.err.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  waitpid(pid, &r.status, 0);
  std::fputs(r.err.c_str(), stderr);
  return r;
}

int throw_option() {
  const char* options = std::getenv("LOCKORDER_OPTIONS");
  check(options && std::strcmp(options, "mode=throw") == 0,
        "run with LOCKORDER_OPTIONS=mode=throw");
#if LOCKORDER_EXCEPTIONS
  // Throw mode as usual (with -fno-rtti too): the acquisition that closes the cycle throws.
  const child_result c = in_child([] {
    try {
      ab_ba();
    } catch (const lockorder::lock_order_error& e) {
      return e.get_report().kind == lockorder::report_kind::circular_dependency ? 0 : 1;
    }
    return 2;
  });
  check(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0,
        "the AB-BA throws lock_order_error with a circular_dependency");
  check(count(c.err, "needs exceptions") == 0, "nothing says exceptions are needed");
#else
  // One line says throw mode needs exceptions and abort is used; the report then aborts.
  const child_result c = in_child([] {
    ab_ba();
    return 0;
  });
  check(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGABRT, "the AB-BA aborts");
  const std::string_view line =
      "lockorder: LOCKORDER_OPTIONS: mode=throw needs exceptions, and this program is built "
      "without them (-fno-exceptions: LOCKORDER_EXCEPTIONS=0); using mode=abort instead\n";
  check(count(c.err, line) == 1, "one line says mode=throw needs exceptions, abort is used");
  check(c.err.find(line) < c.err.find("flags_b_lock"), "that line comes before the report");
  // From code the throw mode cannot be named (throw_mode_unavailable.cpp); its value,
  // cast, gets abort mode and one line too.
  const child_result d = in_child([] {
    lockorder::set_report_mode(static_cast<lockorder::report_mode>(2));
    return lockorder::get_report_mode() == lockorder::report_mode::abort ? 0 : 1;
  });
  check(WIFEXITED(d.status) && WEXITSTATUS(d.status) == 0, "set_report_mode(2) selects abort");
  check(count(d.err, "lockorder: set_report_mode: report_mode::throw_exception needs "
                     "exceptions") == 1,
        "one line says report_mode::throw_exception needs exceptions");
#endif
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view what = argc == 2 ? argv[1] : "";
  if (what == "handler") return handler();
  if (what == "throw-option") return throw_option();
  std::fputs("usage: validator handler | throw-option\n", stderr);
  return 2;
}
