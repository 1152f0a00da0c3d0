// lockorder/detail/diagnostic_table.hpp — every compile error lockorder raises on
// purpose, each named once with its message: the table below. docs/diagnostics.md shows
// each with its trigger and its fix. Internal: not a stable interface.
//
// A check that fails calls the diagnostic's carrier with words as template arguments
// (acquiring<C, 10>, while_holding<H, 20>, ...: detail/diagnostics.hpp), as in
// `diagnostic::lock_order_violation<acquiring<C, 10>, while_holding<H, 20>>();`, from a
// function that is only instantiated, never called. The classes and the message both
// reach the first error line:
//   - g++ 12 prints a failed static_assert's condition only in a later note, so there the
//     carrier is a deleted function template whose last template parameter defaults to
//     the message: "use of deleted function 'void lockorder::diagnostic::NAME() [with
//     Why = {words...}; ... message = lockorder::fixed_string<N>{"lockorder: ..."}]'";
//   - clang++ 16 prints the condition in the error line, and cuts long string template
//     arguments short ("[...]"), so there the carrier's body is a static_assert on a
//     variable template, always false, with the message: "static assertion failed due to
//     requirement 'violated::NAME<words...>': lockorder: ...".
// LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE (config.hpp) chooses.
#pragma once

#include <lockorder/config.hpp>
#include <lockorder/detail/fixed_string.hpp>

#if LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE
#  define LOCKORDER_DIAGNOSTIC(name, text) \
     template <class... Why, ::lockorder::fixed_string message = "lockorder: " text> void name() = delete;
#else
#  define LOCKORDER_DIAGNOSTIC(name, text)                                           \
     namespace violated { template <class... Why> inline constexpr bool name = false; } \
     template <class... Why> constexpr auto name() { static_assert(violated::name<Why...>, "lockorder: " text); }
#endif

namespace lockorder::diagnostic {

// LOCKORDER_DIAGNOSTIC(carrier, what the error says after "lockorder: ").
LOCKORDER_DIAGNOSTIC(lock_order_violation, "lock order violation: take the lower-level lock first, or change the levels")
LOCKORDER_DIAGNOSTIC(same_class_twice, "class already held: lock_nested<N> for a deliberate nesting, lock_all() for several locks of one class")
LOCKORDER_DIAGNOSTIC(nesting_subclass_order, "nesting subclasses must increase: take the lower subclass first")
LOCKORDER_DIAGNOSTIC(nesting_subclass_out_of_range, "nesting subclass out of range (LOCKORDER_MAX_SUBCLASSES)")
LOCKORDER_DIAGNOSTIC(wait_while_holding_higher_lock, "waiting on a completion while holding a lock ranked at or above it: wait first, or rank the completion higher")
LOCKORDER_DIAGNOSTIC(complete_while_holding_lower_lock, "completing while holding a lock ranked at or below the completion: release it first, or rank the completion lower")
LOCKORDER_DIAGNOSTIC(not_a_lockorder_lock, "contexts take lockorder locks: wrap it as lockorder::mutex<Class, YourLock>")
LOCKORDER_DIAGNOSTIC(lock_shared_needs_a_shared_mutex, "shared acquisition of an exclusive-only lock: use lockorder::shared_mutex")
LOCKORDER_DIAGNOSTIC(lock_all_cannot_order_unranked, "lock_all() orders by level and declared order: give the classes levels or declare their order, or lock unranked ones of a single class together")
LOCKORDER_DIAGNOSTIC(declared_order_violation, "declared order violation: the class is declared (after<>) to be taken before a held one: take it first")
LOCKORDER_DIAGNOSTIC(declared_order_cycle, "the after<> declarations of these classes form a cycle: no order can satisfy them: remove one")
LOCKORDER_DIAGNOSTIC(declared_order_contradicts_levels, "a class declared before another (after<>) must have a lower level")
LOCKORDER_DIAGNOSTIC(not_an_aggregate_hierarchy, "lock_fields() takes an aggregate whose fields are all lockorder locks (a struct with no constructors, bases or virtual functions)")
LOCKORDER_DIAGNOSTIC(aggregate_field_not_a_lock, "every field of an aggregate hierarchy must be a lockorder lock: keep the data next to the struct of locks")
LOCKORDER_DIAGNOSTIC(aggregate_field_indices, "lock_fields<I...>() takes field indices below the field count, in increasing order")
LOCKORDER_DIAGNOSTIC(aggregate_field_order, "aggregate field order contradicts the levels: a later field needs a higher level; reorder the fields or change the levels")
LOCKORDER_DIAGNOSTIC(aggregate_field_declared_order, "aggregate field order contradicts a declared order (after<>): reorder the fields or change the declaration")
LOCKORDER_DIAGNOSTIC(aggregate_field_class_twice, "two fields of an aggregate hierarchy have one class: give each field its own class")
LOCKORDER_DIAGNOSTIC(context_at_class_not_held, "the callee needs C held (context_at<C> or holding<C>), and the caller's context does not list it in that mode")
LOCKORDER_DIAGNOSTIC(context_at_not_innermost, "context_at<C> means C is the innermost lock, and this held class is not ordered before C")
LOCKORDER_DIAGNOSTIC(context_before_violated, "the callee takes context_before<C> (C may be taken there), and a held class may not precede C")
LOCKORDER_DIAGNOSTIC(outside_context_before_bound, "inside a context_before<C> only C and classes ordered after C may be taken")
LOCKORDER_DIAGNOSTIC(aggregate_field_taken_out_of_order, "aggregate field order violation: a later field's class is held; take the fields in field order")
LOCKORDER_DIAGNOSTIC(class_not_a_step_of_its_hierarchy, "the class declares in<H>, and no step of H names it: add a step for it to H, or drop the in<>")
LOCKORDER_DIAGNOSTIC(step_class_not_in_hierarchy, "a step of this hierarchy names the class, and its LOCKORDER_CLASS does not say in<H>: add lockorder::in<H> to it")
LOCKORDER_DIAGNOSTIC(class_twice_in_hierarchy, "a hierarchy names this class in two steps: it has one place in the order: remove one of its steps")

}  // namespace lockorder::diagnostic

#undef LOCKORDER_DIAGNOSTIC
