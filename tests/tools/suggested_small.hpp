// tests/tools/suggested_small.hpp — what `lockorder-graph suggest --drop ^test::` prints
// for small_graph.hpp's two runs, pasted: suggest_test.cpp includes it (so it must compile
// and order the classes as observed) and compares the tool's output, exactly, with this
// file from its sixth line on. Regenerate it only after reviewing the change.

// Suggested by lockorder-graph from 2 run(s): the order they observed that the
// code does not enforce yet, as a partial order (docs/graph.md#suggesting-a-hierarchy).
// Each LOCKORDER_CLASS replaces the class's definition, keeping its level and declared
// orders (a hierarchy's steps come back as after<>: keep its in<> instead). A scope is
// written as a namespace: where it is a class, define the lock class inside it.

namespace app {
struct cache_lock;
struct db_mutex;
struct index_lock;
struct log_mutex;
struct meta_lock;
struct stats_lock;
struct table_lock;
}  // namespace app

namespace app {
namespace {
struct file_lock;
}  // namespace
}  // namespace app

namespace net {
struct io_lock;
struct queue_lock;
struct socket_lock;
}  // namespace net

using socket_locks = lockorder::hierarchy<
    lockorder::step<::net::socket_lock, "observed: first of this chain">,
    lockorder::step<::net::queue_lock, "observed: net::socket_lock --> net::queue_lock">,
    lockorder::step<::net::io_lock, "observed: net::queue_lock --> net::io_lock">,
    lockorder::step<::app::table_lock, "observed: net::io_lock --> app::table_lock">,
    lockorder::step<::app::cache_lock, "observed: app::table_lock --> app::cache_lock">>;

namespace app {
using index_locks = lockorder::hierarchy<
    lockorder::step<::app::index_lock, "observed: first of this chain">,
    lockorder::step<::app::log_mutex, "observed: app::index_lock --> app::log_mutex">,
    lockorder::step<::app::stats_lock, "observed: app::log_mutex --> (completion)app::flushed --> app::stats_lock">>;
}  // namespace app

namespace app {
LOCKORDER_CLASS(cache_lock, 20, lockorder::in<::socket_locks>);
LOCKORDER_CLASS(db_mutex);
LOCKORDER_CLASS(index_lock,
    lockorder::after<::app::db_mutex, "index pages are read under the db">,
    lockorder::in<::app::index_locks>);
LOCKORDER_CLASS(log_mutex, lockorder::in<::app::index_locks>);
LOCKORDER_CLASS(meta_lock, 5);
LOCKORDER_CLASS(stats_lock, lockorder::in<::app::index_locks>);
LOCKORDER_CLASS(table_lock, 10, lockorder::in<::socket_locks>);
}  // namespace app

namespace app {
namespace {
LOCKORDER_CLASS(file_lock,
    lockorder::after<::app::log_mutex, "observed: app::log_mutex --> app::{anonymous}::file_lock">);
}  // namespace
}  // namespace app

namespace net {
LOCKORDER_CLASS(io_lock, lockorder::in<::socket_locks>);
LOCKORDER_CLASS(queue_lock, lockorder::in<::socket_locks>);
LOCKORDER_CLASS(socket_lock, lockorder::in<::socket_locks>);
}  // namespace net

// Not declared here:
//   app::buffer_lock#3: a lock's own class (own_class): no declaration names it
//   app::db_mutex/1: a nesting subclass (lock_nested): its class's order covers it
//   (completion)app::flushed: a wait class (completion, condition variable): no rank of its own; orders through it are kept
//   app::pool<int>::lock: template arguments: declare its order in the template by hand
//   test::fake_lock: dropped (--keep, --drop)
