// lockorder/detail/validator.hpp — the run-time validator (LOCKORDER_RUNTIME=1 only).
//
// rt_state.hpp: its state and interface; rt_hot.hpp: the inline hot path (chain cache,
// hooks); the cold half: rt_sites.hpp (report sites), rt_tables.hpp (the tables' layout,
// the chain set), rt_registry.hpp (the tables' allocation, class registry, report
// building), rt_validation.hpp (validation of new chains), rt_reclaim.hpp (own classes
// reclaimed), rt_misuse.hpp (releases, misuse reports, hooks for tests). The cold half is inline here unless the program
// compiles it once (LOCKORDER_SEPARATE_VALIDATOR=1: lockorder's CMake target does, or
// one .cpp of the program includes <lockorder/validator.ipp>; docs/cmake.md).
// Internal: not a stable interface.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/rt_hot.hpp>

#if !LOCKORDER_SEPARATE_VALIDATOR
#  include <lockorder/detail/rt_misuse.hpp>
#endif
