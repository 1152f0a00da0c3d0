// guard.unlocked(f): while db_mutex is released, f gets a context_before<db_mutex>: it may
// take db_mutex or what follows it, not a class ordered before it (the re-take would then
// invert the order).
// expect-first-error: outside_context_before_bound.*acquiring_class<table_lock>.*bound_before<db_mutex>
// expect: unlocked
#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(table_lock, 10);
LOCKORDER_CLASS(db_mutex, 20);
LOCKORDER_CLASS(log_lock, 30);
lockorder::mutex<table_lock> table;
lockorder::mutex<db_mutex> db;
lockorder::mutex<log_lock> log_;

int main() {
  auto g = lockorder::unlocked().lock(db);
  g.unlocked([&](auto ctx) {
#ifdef LOCKORDER_COMPILE_FAIL
    auto t = ctx.lock(table);
#else
    auto l = ctx.lock(log_);  // the I/O, under the log lock only
#endif
  });
}
