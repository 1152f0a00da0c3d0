// 020 — plain std RAII on lockorder locks, checked at run time.
//
// Code that cannot go through contexts (locks picked at run time, callbacks, existing
// code) uses std::lock_guard, std::unique_lock, std::scoped_lock and std::shared_lock on
// lockorder locks as on any mutex. The validator records every acquisition, and when two
// code paths take two classes in opposite orders — here in two threads that never run at
// the same time, so nothing hangs — it prints a lockdep-style report that says where
// each dependency was first seen.
#include <lockorder/lockorder.hpp>

#include <cstdio>
#include <map>
#include <shared_mutex>
#include <string>
#include <thread>

LOCKORDER_CLASS(registry_lock);  // unranked: the order is learned at run time
LOCKORDER_CLASS(device_lock);

struct device {
  lockorder::mutex<device_lock> lock;
  int users = 0;
};

lockorder::shared_mutex<registry_lock> registry_mutex;
std::map<std::string, device*> registry;

// Path 1: look the device up under the registry lock, then take the device's lock.
void open_device(const std::string& name) {
  std::shared_lock reg(registry_mutex);
  device* d = registry.at(name);
  std::lock_guard dev(d->lock);
  ++d->users;
}

// Path 2, written elsewhere: holds the device's lock and updates the registry.
void rename_device(device& d, const std::string& from, const std::string& to) {
  std::lock_guard dev(d.lock);
  std::unique_lock reg(registry_mutex);  // device -> registry: the opposite order
  registry.erase(from);
  registry[to] = &d;
}

int main() {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stdout);
  });
  device d;
  registry["gpu0"] = &d;
  std::thread(open_device, "gpu0").join();
  std::thread(rename_device, std::ref(d), "gpu0", "gpu1").join();
  std::printf("020: %d report(s); the fix is to take registry_lock first in both paths\n",
              reports);
  return reports == 1 ? 0 : 1;
}
