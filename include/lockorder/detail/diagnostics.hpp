// lockorder/detail/diagnostics.hpp — the carriers of lockorder's compile errors.
//
// Each check has one named carrier whose template arguments spell the classes and
// levels involved, so they appear in the first error line on both compilers (see
// LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE in config.hpp). docs/diagnostics.md lists
// every message with its trigger and its fix. Internal: not a stable interface.
#pragma once

#include <lockorder/lock_class.hpp>

namespace lockorder {

// Words that appear inside error messages. Never defined.
template <class Class, level_t Level> struct acquiring;
template <class Class, level_t Level> struct while_holding;
template <class Class, level_t Level> struct waiting_on;
template <class Class, level_t Level> struct completing;
template <class Class, unsigned Subclass> struct acquiring_subclass;
template <class Class, unsigned Subclass> struct while_holding_subclass;
template <class Class> struct already_holding;
template <unsigned Max> struct subclasses_allowed;
template <class T> struct argument_type;
template <class Class> struct acquiring_class;
template <class Class> struct while_holding_class;
/// "Class was declared with this after<>": the declaration that explains a violation.
template <class Class, class After> struct declared;
template <level_t Before, level_t After> struct levels;
// Words of the aggregate checks (aggregate.hpp): fields are named by their index.
template <class T> struct aggregate;
template <std::size_t Index, class Class, level_t Level> struct field;
template <std::size_t Index, class Class> struct field_class;
template <std::size_t Index, class Type> struct field_type;
template <std::size_t... Index> struct field_indices;
template <std::size_t Count> struct field_count;
template <std::size_t Index, class Class> struct acquiring_field;
template <std::size_t Index, class Class> struct while_holding_field;
template <class T, std::size_t Index> struct field_of;
// Words of the function-boundary contexts (context_at<C>, context_before<C>, holding<C>).
template <class Class> struct callee_needs_held;      ///< the callee's context_at<C> / holding<C>
template <class Class> struct callee_may_take;        ///< the callee's context_before<C>
template <class Class> struct innermost_held;         ///< what the caller's context lists last
template <class Class> struct also_holding;           ///< a held class not ordered before C
template <class Class> struct bound_before;           ///< inside a context_before<C>
struct nothing_held;

namespace diagnostic {
#if LOCKORDER_WORKAROUND_GCC_STATIC_ASSERT_NOTE
template <class... Why> void lock_order_violation() = delete;  // Fix: acquire the lower-level lock first, or change the levels (docs/diagnostics.md#order).
template <class... Why> void same_class_twice() = delete;  // Fix: lock_nested<N> for a deliberate nesting, lock_all() for several locks of one class.
template <class... Why> void nesting_subclass_order() = delete;  // Fix: take the lower subclass first; nesting subclasses must increase.
template <class... Why> void nesting_subclass_out_of_range() = delete;  // Fix: use a subclass below LOCKORDER_MAX_SUBCLASSES.
template <class... Why> void wait_while_holding_higher_lock() = delete;  // Fix: wait before taking the lock, or give the completion a higher level.
template <class... Why> void complete_while_holding_lower_lock() = delete;  // Fix: complete after releasing the lock, or give the completion a lower level.
template <class... Why> void not_a_lockorder_lock() = delete;  // Fix: wrap the lock: lockorder::mutex<Class, YourLock>.
template <class... Why> void lock_shared_needs_a_shared_mutex() = delete;  // Fix: use lockorder::shared_mutex for shared acquisitions.
template <class... Why> void lock_all_cannot_order_unranked() = delete;  // Fix: give the classes levels, or take the unranked locks one by one.
template <class... Why> void declared_order_violation() = delete;  // Fix: take the class declared first before the other, or change the declaration.
template <class... Why> void declared_order_cycle() = delete;  // Fix: the after<> declarations of these classes form a cycle: remove one.
template <class... Why> void declared_order_contradicts_levels() = delete;  // Fix: a class declared before another must have a lower level.
template <class... Why> void not_an_aggregate_hierarchy() = delete;  // Fix: pass a struct whose fields are all lockorder locks (no constructors, bases or virtual functions).
template <class... Why> void aggregate_field_not_a_lock() = delete;  // Fix: keep only lockorder locks in the struct; move the data next to it.
template <class... Why> void aggregate_field_indices() = delete;  // Fix: lock_fields<I...>() takes field indices below the field count, increasing.
template <class... Why> void aggregate_field_order() = delete;  // Fix: a later field must have a higher level: reorder the fields or change the levels.
template <class... Why> void aggregate_field_declared_order() = delete;  // Fix: a later field's class is declared (after<>) before an earlier one's: reorder the fields or the declaration.
template <class... Why> void aggregate_field_class_twice() = delete;  // Fix: give each field its own class; the field order then orders them.
template <class... Why> void context_at_class_not_held() = delete;  // Fix: the callee takes context_at<C> or holding<C>, and the caller's context does not hold C (in that mode): take C first, or give the callee a context_before<C>.
template <class... Why> void context_at_not_innermost() = delete;  // Fix: context_at<C> means C is the innermost lock: this held class is not ordered before C; release it, order it before C, or pass a context_at<> of the innermost class.
template <class... Why> void context_before_violated() = delete;  // Fix: the callee takes context_before<C>, which means C may be taken here, and a held class may not precede C: call it before taking that lock.
template <class... Why> void outside_context_before_bound() = delete;  // Fix: inside a context_before<C> only C and classes ordered after C (by levels or after<>) may be taken.
template <class... Why> void aggregate_field_taken_out_of_order() = delete;  // Fix: a later field's class is held: take the fields in field order (one lock_fields() call).
#else
template <class... Why> constexpr bool lock_order_violation = false;  // Fix: acquire the lower-level lock first, or change the levels (docs/diagnostics.md#order).
template <class... Why> constexpr bool same_class_twice = false;  // Fix: lock_nested<N> for a deliberate nesting, lock_all() for several locks of one class.
template <class... Why> constexpr bool nesting_subclass_order = false;  // Fix: take the lower subclass first; nesting subclasses must increase.
template <class... Why> constexpr bool nesting_subclass_out_of_range = false;  // Fix: use a subclass below LOCKORDER_MAX_SUBCLASSES.
template <class... Why> constexpr bool wait_while_holding_higher_lock = false;  // Fix: wait before taking the lock, or give the completion a higher level.
template <class... Why> constexpr bool complete_while_holding_lower_lock = false;  // Fix: complete after releasing the lock, or give the completion a lower level.
template <class... Why> constexpr bool not_a_lockorder_lock = false;  // Fix: wrap the lock: lockorder::mutex<Class, YourLock>.
template <class... Why> constexpr bool lock_shared_needs_a_shared_mutex = false;  // Fix: use lockorder::shared_mutex for shared acquisitions.
template <class... Why> constexpr bool lock_all_cannot_order_unranked = false;  // Fix: give the classes levels, or take the unranked locks one by one.
template <class... Why> constexpr bool declared_order_violation = false;  // Fix: take the class declared first before the other, or change the declaration.
template <class... Why> constexpr bool declared_order_cycle = false;  // Fix: the after<> declarations of these classes form a cycle: remove one.
template <class... Why> constexpr bool declared_order_contradicts_levels = false;  // Fix: a class declared before another must have a lower level.
template <class... Why> constexpr bool not_an_aggregate_hierarchy = false;  // Fix: pass a struct whose fields are all lockorder locks (no constructors, bases or virtual functions).
template <class... Why> constexpr bool aggregate_field_not_a_lock = false;  // Fix: keep only lockorder locks in the struct; move the data next to it.
template <class... Why> constexpr bool aggregate_field_indices = false;  // Fix: lock_fields<I...>() takes field indices below the field count, increasing.
template <class... Why> constexpr bool aggregate_field_order = false;  // Fix: a later field must have a higher level: reorder the fields or change the levels.
template <class... Why> constexpr bool aggregate_field_declared_order = false;  // Fix: a later field's class is declared (after<>) before an earlier one's: reorder the fields or the declaration.
template <class... Why> constexpr bool aggregate_field_class_twice = false;  // Fix: give each field its own class; the field order then orders them.
template <class... Why> constexpr bool context_at_class_not_held = false;  // Fix: the callee takes context_at<C> or holding<C>, and the caller's context does not hold C (in that mode): take C first, or give the callee a context_before<C>.
template <class... Why> constexpr bool context_at_not_innermost = false;  // Fix: context_at<C> means C is the innermost lock: this held class is not ordered before C; release it, order it before C, or pass a context_at<> of the innermost class.
template <class... Why> constexpr bool context_before_violated = false;  // Fix: the callee takes context_before<C>, which means C may be taken here, and a held class may not precede C: call it before taking that lock.
template <class... Why> constexpr bool outside_context_before_bound = false;  // Fix: inside a context_before<C> only C and classes ordered after C (by levels or after<>) may be taken.
template <class... Why> constexpr bool aggregate_field_taken_out_of_order = false;  // Fix: a later field's class is held: take the fields in field order (one lock_fields() call).
#endif
}  // namespace diagnostic

}  // namespace lockorder
