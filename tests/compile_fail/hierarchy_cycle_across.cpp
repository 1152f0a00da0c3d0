// A class may be in several hierarchies; together they must still be an order. Two that
// put the same classes in opposite orders are a declared cycle, naming its classes.
// expect-first-error: declared_order_cycle.*classes_on_the_cycle<.*(pmus_lock.*cpuctx_mutex|cpuctx_mutex.*pmus_lock)
#include <lockorder/lockorder.hpp>

struct pmus_lock; struct cpuctx_mutex;
using hotplug_locks = lockorder::hierarchy<
    lockorder::step<pmus_lock,    "hotplug callbacks (perf_event_init_cpu) take it">,
    lockorder::step<cpuctx_mutex, "perf_event_init_cpu() takes each cpuctx under pmus_lock">>;
#ifdef LOCKORDER_COMPILE_FAIL
using perf_locks = lockorder::hierarchy<
    lockorder::step<cpuctx_mutex, "perf_read() holds it">,
    lockorder::step<pmus_lock,    "a made-up path taking pmus_lock under cpuctx_mutex">>;
#else
using perf_locks = lockorder::hierarchy<
    lockorder::step<pmus_lock,    "a path taking cpuctx_mutex under pmus_lock">,
    lockorder::step<cpuctx_mutex, "perf_read() holds it">>;
#endif
LOCKORDER_CLASS(pmus_lock,    lockorder::in<hotplug_locks>, lockorder::in<perf_locks>);
LOCKORDER_CLASS(cpuctx_mutex, lockorder::in<hotplug_locks>, lockorder::in<perf_locks>);
lockorder::mutex<cpuctx_mutex> cpuctx;

int main() { auto c = lockorder::unlocked().lock(cpuctx); }
