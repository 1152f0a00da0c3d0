// lockorder/lockorder.hpp — the umbrella header: everything a program uses to lock.
// Start at docs/concepts.md and examples/010-first-hierarchy.cpp. Not here: the observed
// graph as JSON, DOT and Markdown (<lockorder/export.hpp>; reading, merging and suggesting
// are lockorder-graph's, tools/), a hierarchy as data and docs (<lockorder/hierarchy.hpp>,
// the one header with Boost.Hana; declaring and locking a hierarchy need only this one)
// and the validator's compiled-once half (<lockorder/validator.ipp>).
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/lock_class.hpp>
#include <lockorder/mutex.hpp>
#include <lockorder/thread_safety.hpp>
#include <lockorder/context.hpp>
#include <lockorder/aggregate.hpp>
#include <lockorder/completion.hpp>
#include <lockorder/annotation.hpp>
#include <lockorder/condition_variable.hpp>
#include <lockorder/waits.hpp>
#include <lockorder/report.hpp>
#include <lockorder/testing.hpp>
