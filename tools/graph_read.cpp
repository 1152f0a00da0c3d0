// tools/graph_read.cpp — read_graph(): Boost.JSON parses, then a walk over the document
// checks each member's type and range and says where a graph is malformed. The one
// translation unit of the tool that compiles Boost.JSON (header-only, src.hpp).
#include "graph_read.hpp"

#include <boost/json/src.hpp>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace lockorder::tool {
namespace {

namespace json = boost::json;

// The value as the "got ..." of a message: numbers as Boost.JSON prints them (1.5E0).
std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return v.get_bool() ? "true" : "false";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    default: return json::serialize(v);
  }
}

bool json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "line 3, column 14" of a byte offset (both from 1, columns in bytes).
std::string position(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The walk keeps the first problem, with the path to the member ("edges[3].line").
class walker {
 public:
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  void fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = path.empty() ? what : path + ": " + what;
  }

  const json::value* member(const json::object& o, std::string_view key,
                            const std::string& path, bool required) {
    const auto it = o.find(key);
    if (it != o.end()) return &it->value();
    if (required) fail(path, "no \"" + std::string(key) + "\"");
    return nullptr;
  }

  void text(const json::object& o, std::string_view key, const std::string& path,
            std::string& out, bool required = false) {
    const json::value* v = member(o, key, path, required);
    if (!v) return;
    if (const json::string* s = v->if_string()) out.assign(s->data(), s->size());
    else fail(at(path, key), "expected a string, got " + describe(*v));
    if (required && v->is_string() && out.empty()) fail(at(path, key), "empty");
  }

  // A class name: the validator writes at most 63 bytes; a few thousand is someone
  // else's file, and would only make suggest's regular expressions recurse deep.
  void class_name(const json::object& o, std::string_view key, const std::string& path,
                  std::string& out) {
    text(o, key, path, out, true);
    if (out.size() > max_class_name)
      fail(at(path, key), "a class name of " + std::to_string(out.size()) + " bytes (at most " +
                              std::to_string(max_class_name) + ")");
  }
  static constexpr std::size_t max_class_name = 1024;

  void boolean(const json::object& o, std::string_view key, const std::string& path,
               bool& out) {
    const json::value* v = member(o, key, path, false);
    if (!v) return;
    if (const bool* b = v->if_bool()) out = *b;
    else fail(at(path, key), "expected true or false, got " + describe(*v));
  }

  // Any JSON number that is exactly an integer in [lo, hi]: 10, 1e1 and 10.0 are ten;
  // 1.5 is an error, not a truncation.
  template <class T>
  void integer(const json::object& o, std::string_view key, const std::string& path, T& out,
               T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
    const json::value* v = member(o, key, path, false);
    if (!v) return;
    json::error_code ec;
    const T n = v->is_number() ? v->to_number<T>(ec) : T{};
    if (!v->is_number() || ec || n < lo || n > hi)
      return fail(at(path, key), "expected an integer from " + std::to_string(lo) + " to " +
                                     std::to_string(hi) + ", got " + describe(*v));
    out = n;
  }

  const json::array* array(const json::object& o, std::string_view key, const std::string& path) {
    const json::value* v = member(o, key, path, true);
    if (!v) return nullptr;
    if (const json::array* a = v->if_array()) return a;
    fail(at(path, key), "expected an array, got " + describe(*v));
    return nullptr;
  }

  const json::object* object(const json::value& v, const std::string& path) {
    if (const json::object* o = v.if_object()) return o;
    fail(path, "expected an object, got " + describe(v));
    return nullptr;
  }

 private:
  static std::string at(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  std::string error_;
};

void read_document(const json::value& doc, lock_graph& g, walker& w) {
  const json::object* top = w.object(doc, "the document");
  if (!top) return;
  const json::value* version = w.member(*top, "lockorder_graph", "", false);
  if (!version) return w.fail("", "not a lockorder graph: no \"lockorder_graph\" member");
  if (!version->is_number() || version->to_number<double>() != 1.0)
    return w.fail("lockorder_graph", "version " + describe(*version) + ", this tool reads 1");

  if (const json::array* runs = w.array(*top, "runs", "")) {
    for (std::size_t i = 0; i < runs->size(); ++i) {
      const json::string* s = (*runs)[i].if_string();
      if (!s)
        return w.fail("runs[" + std::to_string(i) + "]",
                      "expected a string, got " + describe((*runs)[i]));
      g.runs.emplace_back(s->data(), s->size());
    }
  }
  if (const json::array* classes = w.array(*top, "classes", "")) {
    for (std::size_t i = 0; i < classes->size() && w.error().empty(); ++i) {
      const std::string path = "classes[" + std::to_string(i) + "]";
      const json::object* o = w.object((*classes)[i], path);
      if (!o) break;
      graph_class c;
      w.class_name(*o, "name", path, c.name);
      w.boolean(*o, "ranked", path, c.ranked);
      w.integer<level_t>(*o, "level", path, c.level);
      w.boolean(*o, "completion", path, c.completion);
      g.classes.push_back(std::move(c));
    }
  }
  if (const json::array* edges = w.array(*top, "edges", "")) {
    for (std::size_t i = 0; i < edges->size() && w.error().empty(); ++i) {
      const std::string path = "edges[" + std::to_string(i) + "]";
      const json::object* o = w.object((*edges)[i], path);
      if (!o) break;
      graph_edge e;
      w.class_name(*o, "from", path, e.from);
      w.class_name(*o, "to", path, e.to);
      w.integer<unsigned>(*o, "kinds", path, e.kinds, 1, 15);  // four kinds, one bit each
      w.boolean(*o, "declared", path, e.declared);
      w.boolean(*o, "reported", path, e.reported);
      w.text(*o, "rationale", path, e.rationale);
      w.text(*o, "function", path, e.first_seen.function);
      w.text(*o, "file", path, e.first_seen.file);
      w.integer<unsigned>(*o, "line", path, e.first_seen.line);
      w.text(*o, "thread", path, e.thread);
      w.text(*o, "run", path, e.run);
      w.integer<std::uint64_t>(*o, "chains", path, e.chains);
      g.edges.push_back(std::move(e));
    }
  }
}

}  // namespace

bool read_graph(std::string_view text, lock_graph& out, std::string& error) {
  out = {};
  error.clear();
  std::size_t first = 0;
  while (first < text.size() && json_space(text[first])) ++first;
  if (first == text.size()) {
    error = "empty: no JSON";
    return false;
  }
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // names cut at 63 bytes may end inside a character
  json::parser parser({}, options);
  json::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (ec) {
    error = position(text, used) + ": " + ec.message() +
            (ec == json::error::incomplete ? " (the text ends early: truncated?)" : "");
    return false;
  }
  for (std::size_t i = used; i < text.size(); ++i)
    if (!json_space(text[i])) {
      error = position(text, i) + ": text after the JSON value";
      return false;
    }
  walker w;
  read_document(parser.release(), out, w);
  if (w.error().empty()) return true;
  error = w.error();
  out = {};
  return false;
}

bool read_graph_file(const std::string& path, lock_graph& out, std::string& error) {
  out = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open it (" + std::strerror(errno) + ")";
    return false;
  }
  std::string text;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    error = path + ": reading it failed";
    return false;
  }
  if (read_graph(text, out, error)) return true;
  error = path + ": " + error;
  return false;
}

}  // namespace lockorder::tool
