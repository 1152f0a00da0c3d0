// lockorder/testing.hpp — for a program's own test suite: start each test from a fresh
// run-time validator, as if the process had just started; read what full tables lost.
//
// Cost: one pass over the validator's tables (megabytes with the default sizes: about a
// millisecond), under its lock. Nothing with LOCKORDER_RUNTIME=0.
#pragma once

#include <lockorder/config.hpp>

#include <cstdint>
#include <source_location>

#if LOCKORDER_RUNTIME
#  include <lockorder/detail/validator.hpp>
#endif

LOCKORDER_NAMESPACE_BEGIN

/// Forgets everything the run-time validator learned: the classes (static ones register
/// again at their next use, with their declared orders), the dependencies and their
/// sites, the validated chains of every thread, the pairs already reported, lock names
/// (name_lock) and full tables. Returns true. Call it between tests, when no thread holds
/// a lockorder lock and no other thread is taking one (the check that none is held is a
/// snapshot): if one is held, nothing is reset, an assertion_failed report names the
/// thread, and it returns false. Locks of static classes (globals included) go on
/// working; a lock or completion with an own class (own_class) made before the call must
/// not be used after it (its class is forgotten). The report handler and mode stay.
// In the ABI namespace: its body differs with LOCKORDER_RUNTIME.
inline bool reset_validator(std::source_location site = std::source_location::current()) {
#if LOCKORDER_RUNTIME
  return detail::rt::reset_validator(site);
#else
  (void)site;
  return true;
#endif
}

/// What the run-time validator could not keep when a table was full
/// (docs/runtime.md#table-sizes): dependencies not recorded (the edge table was full;
/// each was still checked against the recorded ones), and validations of lock sequences
/// the full chain set could not cache (each one validated again, the slow way); both zero
/// while no table is full. And how its tables are used: own classes reclaimed with their
/// last lock (docs/runtime.md#reclaimed-classes), flushes of the chain caches that let
/// their ids be used again, classes and dependencies recorded now. All zero with
/// LOCKORDER_RUNTIME=0.
struct validator_counters {
  std::uint64_t dependencies_not_recorded = 0;
  std::uint64_t uncached_validations = 0;
  std::uint64_t classes_reclaimed = 0;
  std::uint64_t cache_flushes = 0;
  std::uint64_t classes = 0;
  std::uint64_t dependencies = 0;
};

inline validator_counters validator_counters_now() {
  validator_counters c;
#if LOCKORDER_RUNTIME
  std::uint64_t n[6] = {};
  detail::rt::read_counters(n);
  c = {n[0], n[1], n[2], n[3], n[4], n[5]};
#endif
  return c;
}

LOCKORDER_NAMESPACE_END
