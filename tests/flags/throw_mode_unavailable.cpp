// Without exceptions, selecting throw mode from code does not compile, and the first
// error says why and what to use instead (report.hpp; docs/runtime.md#without-exceptions).
// flags: -fno-exceptions
// expect-first-error: throw_exception.* is unavailable: lockorder: report_mode::throw_exception needs exceptions
// expect: use report_mode::abort, or a handler \(set_report_handler\)
#include <lockorder/report.hpp>

void stop_at_the_first_report() {
#ifdef LOCKORDER_COMPILE_FAIL
  lockorder::set_report_mode(lockorder::report_mode::throw_exception);
#else
  lockorder::set_report_mode(lockorder::report_mode::abort);
#endif
}
