#include "config/yaml_to_json.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

namespace tunelab {
namespace {

std::string place(const std::string& origin, const YAML::Mark& mark) {
  // A --set flag is one short line: the flag itself says where.
  if (mark.is_null() || origin.rfind("--", 0) == 0) return origin;
  return fmt::format("{}:{}:{}", origin, mark.line + 1, mark.column + 1);
}

// YAML 1.2 core schema for plain (unquoted) scalars.
nlohmann::json plain_scalar(const std::string& text) {
  static const std::regex null_re("~|null|Null|NULL|");
  static const std::regex true_re("true|True|TRUE");
  static const std::regex false_re("false|False|FALSE");
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex hex_re("0x[0-9a-fA-F]+");
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex inf_re("[-+]?\\.(inf|Inf|INF)");
  static const std::regex nan_re("\\.(nan|NaN|NAN)");
  if (std::regex_match(text, null_re)) return nullptr;
  if (std::regex_match(text, true_re)) return true;
  if (std::regex_match(text, false_re)) return false;
  if (std::regex_match(text, int_re) || std::regex_match(text, hex_re)) {
    errno = 0;
    const long long value = std::strtoll(text.c_str(), nullptr, 0);
    if (errno != ERANGE) return static_cast<std::int64_t>(value);
    return std::strtod(text.c_str(), nullptr);
  }
  if (std::regex_match(text, float_re)) return std::strtod(text.c_str(), nullptr);
  if (std::regex_match(text, inf_re))
    return text.front() == '-' ? -std::numeric_limits<double>::infinity()
                               : std::numeric_limits<double>::infinity();
  if (std::regex_match(text, nan_re)) return std::numeric_limits<double>::quiet_NaN();
  return text;
}

// Aliases let a few lines stand for billions of values (`&a [*a, *a, ...]`
// nested): the values a document expands to are counted, and a document
// larger than any experiment file could be is refused before it fills memory.
constexpr std::size_t kMaxValues = 2'000'000;

struct Conversion {
  const std::string& origin;
  SourceMap& places;
  std::size_t values = 0;
};

nlohmann::json convert(const YAML::Node& node, const std::string& path, Conversion& c) {
  const std::string here = place(c.origin, node.Mark());
  if (++c.values > kMaxValues)
    throw InputError(
        fmt::format("{}: the document expands to more than {} values (aliases repeating aliases?)",
                    here, kMaxValues));
  c.places.set_value_place(path, here);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      // yaml-cpp tags quoted scalars "!": they are text whatever they hold.
      if (node.Tag() == "!") return node.Scalar();
      nlohmann::json value = plain_scalar(node.Scalar());
      if (value.is_number_float() && std::isinf(value.get<double>()) &&
          node.Scalar().find_first_of("iInN") == std::string::npos)
        throw InputError(fmt::format("{}: {}: '{}' is beyond the range of a number (about 1.8e308)",
                                     here, path, node.Scalar()));
      return value;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      std::size_t i = 0;
      for (const auto& item : node)
        out.push_back(convert(item, fmt::format("{}[{}]", path, i++), c));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar())
          throw InputError(fmt::format("{}: {}keys must be plain names, not lists or mappings",
                                       place(c.origin, item.first.Mark()),
                                       path.empty() ? "" : path + ": "));
        const std::string key = item.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        c.places.set_key_place(child, place(c.origin, item.first.Mark()));
        if (out.contains(key))
          throw ConfigError(child, "duplicate key (it appears more than once here)",
                            ConfigError::About::key);
        out[key] = convert(item.second, child, c);
      }
      return out;
    }
  }
  return nullptr;
}

// "line:column" of the byte at `offset`.
YAML::Mark mark_at(const std::string& text, std::size_t offset) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  mark.line = static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  const auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  mark.column = static_cast<int>(
      line_start == std::string::npos || offset == 0 ? offset : offset - line_start - 1);
  return mark;
}

// The line `mark` points into.
std::string line_at(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null() || mark.pos < 0 || static_cast<std::size_t>(mark.pos) > text.size()) return {};
  const auto pos = static_cast<std::size_t>(mark.pos);
  const auto begin = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const auto end = text.find('\n', pos);
  return text.substr(begin == std::string::npos || pos == 0 ? 0 : begin + 1,
                     end == std::string::npos ? std::string::npos : end - begin);
}

// Sees only where documents start: a second one is an error, found without
// building it.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark last;
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where the text after the first document begins, if there is any. Asked
// of the parser document by document, twice at most: yaml-cpp's LoadAll
// never returns on some text after a document (a ',' at the top level).
std::optional<YAML::Mark> after_first_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) return std::nullopt;
  return starts.last;
}

}  // namespace

nlohmann::json parse_yaml(const std::string& text, const std::string& origin, SourceMap& places,
                          const std::string& prefix) {
  const auto nul = text.find('\0');
  if (nul != std::string::npos)
    throw InputError(
        fmt::format("{}: a NUL byte; is this a text file?", place(origin, mark_at(text, nul))));
  YAML::Node document;
  std::optional<YAML::Mark> rest;
  try {
    document = YAML::Load(text);
    rest = after_first_document(text);
  } catch (const YAML::Exception& e) {
    // The commonest cause: a tab where YAML allows only spaces.
    const bool tab = line_at(text, e.mark).find('\t') != std::string::npos;
    throw InputError(
        fmt::format("{}: YAML syntax error: {}{}", place(origin, e.mark), e.msg,
                    tab ? " (this line holds a tab: YAML indents with spaces only)" : ""));
  }
  if (rest) {
    std::string line = line_at(text, *rest);
    line = line.substr(0, line.find_last_not_of(" \r\n") + 1);
    if (line.rfind("---", 0) == 0)
      throw InputError(
          fmt::format("{}: a second YAML document begins here; an experiment file holds one",
                      place(origin, *rest)));
    throw InputError(fmt::format("{}: YAML syntax error: '{}' does not belong to the document",
                                 place(origin, *rest), line));
  }
  Conversion conversion{origin, places};
  return convert(document, prefix, conversion);
}

}  // namespace tunelab
