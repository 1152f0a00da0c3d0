// lockorder/detail/diagnostics.hpp — the words of lockorder's compile errors.
//
// Template arguments of the carriers (declared from the table in
// detail/diagnostic_table.hpp), never defined, so the classes and
// levels involved appear in the first error line on both compilers. docs/diagnostics.md
// lists every message with its trigger and its fix. Internal: not a stable interface.
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

}  // namespace lockorder
