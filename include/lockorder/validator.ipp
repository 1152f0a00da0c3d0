// lockorder/validator.ipp — the run-time validator's out-of-line half, for exactly
// one .cpp file of a program built with LOCKORDER_SEPARATE_VALIDATOR=1:
//
//     // lockorder_validator.cpp
//     #include "lockorder/validator.ipp"   // (or with <>)
//
// lockorder's CMake target (lockorder::lockorder) does this for you (src/validator.cpp).
// Build that file with the same LOCKORDER_* table sizes and LOCKORDER_STACKTRACE as the
// rest of the program: they are in the validator's symbol names, so a mismatch fails to
// link (docs/configuration.md). Not a .hpp: include it nowhere else. Cost: the validator's cold code is compiled here once
// instead of in every translation unit (docs/performance.md#compile-time).
#pragma once

#ifdef LOCKORDER_COLD
#  error "lockorder: include <lockorder/validator.ipp> first in its own .cpp file, before any other lockorder header"
#endif
#undef LOCKORDER_RUNTIME
#define LOCKORDER_RUNTIME 1
#ifndef LOCKORDER_SEPARATE_VALIDATOR
#  define LOCKORDER_SEPARATE_VALIDATOR 1
#endif
#define LOCKORDER_COLD  // external definitions: this is the one translation unit

#include <lockorder/detail/rt_misuse.hpp>
