// lockorder/config.hpp — every configuration macro of lockorder, with its default.
//
// Switches take the values 0 or 1 and are tested with `#if`, so -Wundef catches a
// misspelt one. Sizes are plain integers. Define any of them before the first
// lockorder include (or on the command line); docs/configuration.md lists them all.
#pragma once

// LOCKORDER_RUNTIME: 1 = record every acquisition in the run-time validator;
// 0 = compile it out (lock types are exactly their underlying lock, contexts are empty).
// Default: on in debug builds, off under NDEBUG.
#ifndef LOCKORDER_RUNTIME
#  ifdef NDEBUG
#    define LOCKORDER_RUNTIME 0
#  else
#    define LOCKORDER_RUNTIME 1
#  endif
#endif
#if LOCKORDER_RUNTIME != 0 && LOCKORDER_RUNTIME != 1
#  error "lockorder: LOCKORDER_RUNTIME must be 0 or 1"
#endif

// LOCKORDER_CHECK_CONTEXT: 1 = report use of a stale context (a parent guard used after
// a child lock was taken through it). Needs the runtime; default follows it.
#ifndef LOCKORDER_CHECK_CONTEXT
#  define LOCKORDER_CHECK_CONTEXT LOCKORDER_RUNTIME
#endif
#if LOCKORDER_CHECK_CONTEXT && !LOCKORDER_RUNTIME
#  error "lockorder: LOCKORDER_CHECK_CONTEXT=1 needs LOCKORDER_RUNTIME=1"
#endif

// LOCKORDER_EXCEPTIONS: 1 = lockorder may throw and catch: report_mode::throw_exception,
// and the validator catching std::bad_alloc to lose one report instead of the program.
// 0 = it never does (-fno-exceptions): throw mode is unavailable (report.hpp). Default: whether the compiler has exceptions on.
// Changes no layout, so it is not part of the ABI namespace (docs/configuration.md).
#ifndef LOCKORDER_EXCEPTIONS
#  ifdef __cpp_exceptions
#    define LOCKORDER_EXCEPTIONS 1
#  else
#    define LOCKORDER_EXCEPTIONS 0
#  endif
#endif
#if LOCKORDER_EXCEPTIONS != 0 && LOCKORDER_EXCEPTIONS != 1
#  error "lockorder: LOCKORDER_EXCEPTIONS must be 0 or 1"
#endif
#if LOCKORDER_EXCEPTIONS && !defined(__cpp_exceptions)
#  error "lockorder: LOCKORDER_EXCEPTIONS=1 needs exceptions, and they are off (-fno-exceptions)"
#endif

// LOCKORDER_SEPARATE_VALIDATOR: 1 = the validator's cold half (class registry, report
// building, validation of new chains) is compiled once per program, not inline in every
// translation unit: lockorder's CMake target (lockorder::lockorder) sets it and links
// src/validator.cpp; without CMake, define it everywhere and include
// <lockorder/validator.ipp> in exactly one .cpp (docs/cmake.md#validator). 0 =
// header-only: everything inline. The inline hot path is the same either way.
#ifndef LOCKORDER_SEPARATE_VALIDATOR
#  define LOCKORDER_SEPARATE_VALIDATOR 0
#endif
#if LOCKORDER_SEPARATE_VALIDATOR != 0 && LOCKORDER_SEPARATE_VALIDATOR != 1
#  error "lockorder: LOCKORDER_SEPARATE_VALIDATOR must be 0 or 1"
#endif

// LOCKORDER_STACKTRACE: 1 = keep a full stack trace (up to LOCKORDER_STACK_DEPTH frames)
// with every first-seen edge and print it in reports. 0 = keep only the acquisition site.
#ifndef LOCKORDER_STACKTRACE
#  define LOCKORDER_STACKTRACE 0
#endif

// Table sizes of the run-time validator. When one fills, a single limit_reached report
// is issued, what did not fit is not recorded, and everything recorded is still checked.
#ifndef LOCKORDER_MAX_CLASSES        // distinct lock classes (static, subclassed, dynamic)
#  define LOCKORDER_MAX_CLASSES 16384
#endif
#ifndef LOCKORDER_MAX_EDGES          // distinct class-to-class dependencies
#  define LOCKORDER_MAX_EDGES 131072
#endif
#ifndef LOCKORDER_MAX_CHAINS         // cached held-class sequences (power of two)
#  define LOCKORDER_MAX_CHAINS 65536
#endif
#ifndef LOCKORDER_MAX_HELD           // locks one thread may hold at once (lockdep: 48)
#  define LOCKORDER_MAX_HELD 48
#endif
#ifndef LOCKORDER_MAX_SUBCLASSES     // nesting subclasses per class (lockdep: 8)
#  define LOCKORDER_MAX_SUBCLASSES 8
#endif
#ifndef LOCKORDER_STACK_DEPTH        // frames kept per edge when LOCKORDER_STACKTRACE=1
#  define LOCKORDER_STACK_DEPTH 24
#endif

// The runtime switch changes object layout, so it changes mangled names too: a program
// that mixes translation units built with different settings fails to link instead of
// silently breaking the one-definition rule (as Abseil's options.h does).
#if LOCKORDER_RUNTIME && LOCKORDER_CHECK_CONTEXT
#  define LOCKORDER_ABI rt1c1
#elif LOCKORDER_RUNTIME
#  define LOCKORDER_ABI rt1c0
#else
#  define LOCKORDER_ABI rt0
#endif
// On the bare lock calls of LOCKORDER_RUNTIME=0: always inlined, so no function is
// emitted per lock class at -O0 (compile time, docs/performance.md#compile-time). With the
// validator on, inlining is left to the compiler.
#if LOCKORDER_RUNTIME
#  define LOCKORDER_RT0_INLINE
#else
#  define LOCKORDER_RT0_INLINE [[gnu::always_inline]]
#endif

#define LOCKORDER_NAMESPACE_BEGIN namespace lockorder { inline namespace LOCKORDER_ABI {
#define LOCKORDER_NAMESPACE_END } }

// The validator's tables are sized by the macros above, so its internal names carry
// them: translation units built with different sizes get separate validators instead
// of one with mismatched tables (an ODR violation). Sizes must be integer literals.
#define LOCKORDER_TABLES_NAME_(c, e, ch, h, s, st, d) tables_##c##_##e##_##ch##_##h##_##s##_##st##_##d
#define LOCKORDER_TABLES_NAME(c, e, ch, h, s, st, d) LOCKORDER_TABLES_NAME_(c, e, ch, h, s, st, d)
#define LOCKORDER_TABLES                                                                  \
  LOCKORDER_TABLES_NAME(LOCKORDER_MAX_CLASSES, LOCKORDER_MAX_EDGES, LOCKORDER_MAX_CHAINS,  \
                        LOCKORDER_MAX_HELD, LOCKORDER_MAX_SUBCLASSES, LOCKORDER_STACKTRACE, \
                        LOCKORDER_STACK_DEPTH)

// GCC 12 prints a failed static_assert's condition only in a note after the error line,
// so class names in the condition would not reach the first error line. On GCC a call
// to a deleted function carries them instead (its signature is the error line);
// clang prints the condition in the error line itself, so it gets the static_assert.
#if defined(__clang__)
#  define LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE 0
#else
#  define LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE 1
#endif
