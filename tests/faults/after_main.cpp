// Reports raised after main returns (main's exit hook: a lock held when main ends; a
// static lock destroyed while held) must not reach a handler that captured main's
// locals: they go to stderr. The program runs itself as a child and checks the child's
// exit status and output. (Before: the handler was called on dead locals, exit code 139.)
#include <lockorder/lockorder.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sys/wait.h>

LOCKORDER_CLASS(am_static);
LOCKORDER_CLASS(am_low, 10);
LOCKORDER_CLASS(am_high, 20);

static int child() {
  std::vector<std::string> seen;  // a local the handler captures by reference
  lockorder::set_report_handler([&](const lockorder::report& r) { seen.push_back(r.message); });
  {
    lockorder::mutex<am_low> low;
    lockorder::mutex<am_high> high;
    std::lock_guard h(high);
    std::lock_guard l(low);  // an order violation, during main: to the handler
  }
  static lockorder::mutex<am_static> kept;
  kept.lock();  // held when main returns, then destroyed while held by a static destructor
  std::printf("handler calls during main: %zu\n", seen.size());
  return seen.size() == 1 ? 0 : 2;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "child") == 0) return child();
  const std::string cmd = std::string(argv[0]) + " child 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return 1;
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  std::fputs(out.c_str(), stdout);
  const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const bool held = out.find("exits holding 1 lock") != std::string::npos;
  const bool destroyed = out.find("a lock is destroyed while") != std::string::npos;
  std::printf("child exit status %d (%s); held-at-exit report on stderr: %s; "
              "destroyed-while-held report on stderr: %s\n",
              status, exited_ok ? "ok" : "FAILED", held ? "yes" : "NO", destroyed ? "yes" : "NO");
  return exited_ok && held && destroyed ? 0 : 1;
}
