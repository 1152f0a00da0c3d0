// An inversion inside a member function of a class template whose lock class is a
// template parameter: checked at instantiation, naming the classes it was given.
// expect-first-error: acquiring<queue_lock, 10>.*while_holding<dev_lock, 20>
// expect: lock order violation
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(queue_lock, 10);
LOCKORDER_CLASS(dev_lock, 20);

template <class QueueClass>
struct queue {
  lockorder::mutex<QueueClass> lock;
  int length = 0;

  void push(auto& ctx) {
    auto g = ctx.lock(lock);
    ++length;
  }
};

template <class DevClass, class QueueClass>
struct device {
  lockorder::mutex<DevClass> lock;
  queue<QueueClass> q;

  void submit() {
#ifdef LOCKORDER_COMPILE_FAIL
    auto g = lockorder::unlocked().lock(lock);
    q.push(g);
#else
    auto ctx = lockorder::unlocked();
    q.push(ctx);
    auto g = ctx.lock(lock);
#endif
  }
};

int main() {
  device<dev_lock, queue_lock> d;
  d.submit();
}
