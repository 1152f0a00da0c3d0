// lockorder/lockorder.hpp — the umbrella header: everything public in lockorder.
// Start at docs/concepts.md and examples/010-first-hierarchy.cpp.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>
#include <lockorder/thread_safety.hpp>
#include <lockorder/context.hpp>
#include <lockorder/aggregate.hpp>
#include <lockorder/completion.hpp>
#include <lockorder/annotation.hpp>
#include <lockorder/waits.hpp>
#include <lockorder/export.hpp>
#include <lockorder/report.hpp>
