// 040 — several locks of one class: nesting subclasses and lock_all().
//
// Moving an entry between two queues needs both queues' locks, and both are of class
// queue_lock. Taking one after the other in argument order deadlocks when two threads
// move in opposite directions (AB-BA on two instances of one class). lock_all() takes
// locks of one level in address order, which every thread agrees on. A parent/child
// nesting (a directory and an entry in it) instead uses lock_nested<N>, like lockdep's
// mutex_lock_nested(): the subclass says which is taken first.
//
// expect-first-error: queue_lock
// expect: same_class_twice
#include <lockorder/lockorder.hpp>

#include <cstdio>
#include <deque>
#include <thread>

LOCKORDER_CLASS(queue_lock, 10);
LOCKORDER_CLASS(inode_lock, 20);

struct queue {
  lockorder::mutex<queue_lock> lock;
  std::deque<int> items;
};

void move_one(queue& from, queue& to) {
#ifdef LOCKORDER_COMPILE_FAIL
  auto a = lockorder::unlocked().lock(from.lock);
  auto b = a.lock(to.lock);  // the same class twice: rejected
#else
  auto both = lockorder::unlocked().lock_all(from.lock, to.lock);
#endif
  if (!from.items.empty()) {
    to.items.push_back(from.items.front());
    from.items.pop_front();
  }
}

struct inode {
  lockorder::mutex<inode_lock> lock;
  int links = 1;
};

void link_into(inode& dir, inode& file) {
  auto d = lockorder::unlocked().lock_nested<0>(dir.lock);
  auto f = d.lock_nested<1>(file.lock);  // parent (subclass 0), then child (subclass 1)
  ++file.links;
}

int main() {
  int reports = 0;
  lockorder::set_report_handler([&](const lockorder::report& r) {
    ++reports;
    std::fputs(r.text().c_str(), stdout);
  });
  queue q1, q2;
  for (int i = 0; i < 1000; ++i) q1.items.push_back(i);
  std::thread t1([&] { for (int i = 0; i < 1000; ++i) move_one(q1, q2); });
  std::thread t2([&] { for (int i = 0; i < 1000; ++i) move_one(q2, q1); });
  t1.join();
  t2.join();
  inode dir, file;
  link_into(dir, file);
  std::printf("040: %zu items in all, file has %d links, %d report(s)\n",
              q1.items.size() + q2.items.size(), file.links, reports);
  return q1.items.size() + q2.items.size() == 1000 && reports == 0 ? 0 : 1;
}
