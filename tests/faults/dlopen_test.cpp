// Reports are symbolized after the validator's lock is released: dladdr() and
// libbacktrace take the dynamic loader's lock, and a library being dlopen()ed runs its
// constructors under that lock. Here one thread raises reports without pause (each is
// symbolized) while another dlopen()s a library whose constructor takes a lockorder lock
// (tests/faults/dlopen_lib.cpp). Symbolizing under the validator's lock deadlocked this
// (the ctest TIMEOUT fails it); now it finishes.
#include <lockorder/lockorder.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <dlfcn.h>

LOCKORDER_CLASS(dl_bad_unlock);

int main(int argc, char** argv) {
  if (argc < 2) return 1;
  std::atomic<long> reports{0};
  lockorder::set_report_handler([&](const lockorder::report&) { ++reports; });
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    lockorder::mutex<dl_bad_unlock> m;
    while (!done) m.unlock();  // a bad_unlock report each time, with its site symbolized
  });
  // At least 200 loads, and until 100 reports overlapped them (or 30 s: a loaded machine
  // may give the reporting thread little time; the ctest TIMEOUT is 60 s).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int loaded = 0;
  for (int i = 0; i < 200 || (reports < 100 && std::chrono::steady_clock::now() < give_up); ++i) {
    void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      std::fprintf(stderr, "dlopen: %s\n", dlerror());
      done = true;
      reporter.join();
      return 1;
    }
    ++loaded;
    dlclose(h);
  }
  done = true;
  reporter.join();
  std::printf("%d loads, %ld reports symbolized meanwhile\n", loaded, reports.load());
  return loaded >= 200 && reports > 0 ? 0 : 1;
}
