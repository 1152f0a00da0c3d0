// lockorder/detail/testing.hpp — test-only hooks into the run-time validator: start it
// afresh between the runs of one process, and look at a thread's held stack.
//
// INTERNAL, FOR TESTS ONLY (tests/fuzz uses it to replay many random sequences against a
// reference model in one process). Not a stable interface; never call it from a program:
// it is not thread-safe against concurrent lock operations and has no use outside tests.
// Cost: reset_for_testing() writes the whole validator state, O(sizeof(validator_state))
// (megabytes with the default tables): build tests that reset per iteration with small
// LOCKORDER_MAX_CLASSES / _EDGES / _CHAINS, as tests/fuzz/CMakeLists.txt does.
#pragma once

#include <lockorder/config.hpp>

#if LOCKORDER_RUNTIME
#  include <lockorder/detail/validator.hpp>

#  include <cstring>
#  include <string>
#  include <vector>

namespace lockorder::detail::rt {
inline namespace LOCKORDER_TABLES {

// In the validator's cold half (rt_misuse.hpp): compiled once with it.
void reset_tables() noexcept;
std::string class_name_of(std::uint32_t id);

/// Forgets everything the validator learned: classes (static, nesting and own), edges
/// and their sites, validated chains, reports already made, full tables (learning is on
/// again). The static classes `Cs...` are registered anew at their next use; any other
/// static class keeps an id that now means nothing, so list every static class the
/// caller will use again. Preconditions: no thread holds a lockorder lock or is inside
/// the validator, and no lock or completion created before the call is used after it.
/// Every thread that goes on taking locks calls reset_thread_for_testing() first (its
/// chain cache still names the old chains).
template <class... Cs>
void reset_for_testing() noexcept {
  reset_tables();
  (static_class_id<Cs>.store(0, std::memory_order_release), ...);
}

/// The calling thread's part of the reset: empties its chain cache, and forgets its held
/// stack and live contexts (which must be empty already, unless a test went wrong). Its
/// thread id and name stay.
inline void reset_thread_for_testing() noexcept {
  thread_state& t = tls;
  t.depth = 0;
  t.untracked = 0;
  t.ctx_live = 0;
  std::memset(t.cache, 0, sizeof t.cache);
}

/// The classes of the calling thread's held stack, outermost first, as reports name
/// them ("(completion)" is never held; nesting subclasses end in "/N").
inline std::vector<std::string> held_classes_for_testing() {
  std::vector<std::string> out;
  const thread_state& t = tls;
  for (std::uint32_t i = 0; i < t.depth; ++i) out.push_back(class_name_of(t.held[i].cls));
  return out;
}

}  // namespace LOCKORDER_TABLES
}  // namespace lockorder::detail::rt
#endif
