// lockorder/hierarchy.hpp — a declared hierarchy (lockorder::hierarchy, lock_class.hpp) as
// data and docs: its steps as a hana::tuple_t, the check that every class a step names
// declares itself in<> the hierarchy, declared_hierarchy<H>(), to_markdown() and to_dot().
//
// Cold: include it where docs are generated or the hierarchy is checked, not in code that
// only locks (declaring a hierarchy and taking its locks need only lock_class.hpp). It is
// the one header that includes Boost.Hana, and only the parts it uses.
// See docs/concepts.md#hierarchies and examples/120-seed-002-iommu-vtd.cpp.
#pragma once

#include <lockorder/lock_class.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace lockorder {

namespace detail {
template <class H> struct hana_steps;
template <class... S>
struct hana_steps<hierarchy<S...>> {
  static constexpr auto value = boost::hana::tuple_t<S...>;
};
template <class H> struct is_hierarchy : std::false_type {};
template <class... S> struct is_hierarchy<hierarchy<S...>> : std::true_type {};
}  // namespace detail

/// Satisfied by the lockorder::hierarchy<step<...>...> types.
template <class H>
concept lock_hierarchy = detail::is_hierarchy<H>::value;

/// H's steps in order, as a hana::tuple_t<step<C, "why">...>: iterate it with
/// hana::for_each, unpack it, ask hana::length. Each step has class_type and why.
template <lock_hierarchy H>
inline constexpr auto hierarchy_steps_v = detail::hana_steps<H>::value;

namespace detail {
// One check per step, each an error naming the step's class: what a member's first use
// checks for the step before it (lock_class.hpp), here for every step, the last included.
template <class H>
constexpr bool check_every_step() {
  boost::hana::for_each(hierarchy_steps_v<H>, [](auto s) {
    using S = typename decltype(s)::type;
    using checked [[maybe_unused]] = decltype(check_member<typename S::class_type, H>());
  });
  return true;
}
}  // namespace detail

/// True, or a compile error naming the first class a step of H names whose
/// LOCKORDER_CLASS does not say in<H>. Every class of H must be defined where it is
/// used: `static_assert(lockorder::checked_hierarchy_v<iommu_locks>);` next to the last
/// one. (A member's own use checks only the steps before it: a later class may not be
/// defined in that translation unit.) declared_hierarchy<H>() checks it too.
template <lock_hierarchy H>
inline constexpr bool checked_hierarchy_v = detail::check_every_step<H>();

/// One step of a declared hierarchy, as data.
struct hierarchy_step {
  std::string_view class_name;  ///< class_name_v<C>: qualified
  std::string_view why;         ///< the step's reason
  bool ranked;                  ///< the class also has a level...
  level_t level;                ///< ...this one
};

/// H's steps as data, in order: a constexpr std::array<hierarchy_step, N>. Checks H
/// first (checked_hierarchy_v). Render it with to_markdown() or to_dot() for the docs;
/// for a graph of classes and their after<> lists, see declared_hierarchy<C...>() in
/// export.hpp. Example: tests/unit/hierarchy_test.cpp.
template <lock_hierarchy H>
constexpr auto declared_hierarchy() {
  static_assert(checked_hierarchy_v<H>);
  return boost::hana::unpack(hierarchy_steps_v<H>, [](auto... s) {
    return std::array<hierarchy_step, sizeof...(s)>{hierarchy_step{
        class_name_v<typename decltype(s)::type::class_type>, decltype(s)::type::why,
        is_ranked_v<typename decltype(s)::type::class_type>,
        level_v<typename decltype(s)::type::class_type>}...};
  });
}

namespace detail {
// Text for a Markdown table cell: `|` would end the cell.
inline std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}
// A DOT double-quoted string; a line break becomes DOT's \n.
inline std::string dot_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace detail

/// A Markdown table of a hierarchy's steps, in order: the class, the class it is taken
/// after, its level if it has one, and the step's reason.
inline std::string to_markdown(std::span<const hierarchy_step> steps) {
  std::string out = "| # | class | taken after | level | why |\n|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const hierarchy_step& s = steps[i];
    out += "| " + std::to_string(i + 1) + " | `" + std::string(s.class_name) + "` | " +
           (i ? "`" + std::string(steps[i - 1].class_name) + "`" : std::string()) + " | " +
           (s.ranked ? std::to_string(s.level) : "—") + " | " + detail::markdown_cell(s.why) +
           " |\n";
  }
  return out;
}

/// DOT: one box per step, left to right; each edge is a declared order, dashed and
/// labelled with the later step's reason as to_dot(lock_graph) draws them; the first
/// step's reason is under its name.
inline std::string to_dot(std::span<const hierarchy_step> steps) {
  std::string out = "digraph hierarchy {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::string label(steps[i].class_name);
    if (steps[i].ranked) label += "\nlevel " + std::to_string(steps[i].level);
    if (i == 0 && !steps[i].why.empty()) label += "\n" + std::string(steps[i].why);
    out += "  " + detail::dot_quoted(steps[i].class_name) + " [label=" +
           detail::dot_quoted(label) + "];\n";
  }
  for (std::size_t i = 1; i < steps.size(); ++i)
    out += "  " + detail::dot_quoted(steps[i - 1].class_name) + " -> " +
           detail::dot_quoted(steps[i].class_name) + " [label=" +
           detail::dot_quoted(steps[i].why) + ", style=dashed];\n";
  return out + "}\n";
}

}  // namespace lockorder
