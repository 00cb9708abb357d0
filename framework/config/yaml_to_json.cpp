#include "config/yaml_to_json.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <set>

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

nlohmann::json convert(const YAML::Node& node, const std::string& path, const std::string& origin,
                       SourceMap& places) {
  places.set_value_place(path, place(origin, node.Mark()));
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!": they are text whatever they hold.
      return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      std::size_t i = 0;
      for (const auto& item : node)
        out.push_back(convert(item, fmt::format("{}[{}]", path, i++), origin, places));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar())
          throw ConfigError(
              path, fmt::format("{}: keys must be plain names", place(origin, item.first.Mark())));
        const std::string key = item.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        places.set_key_place(child, place(origin, item.first.Mark()));
        if (out.contains(key))
          throw ConfigError(child, "duplicate key (it appears more than once here)",
                            ConfigError::About::key);
        out[key] = convert(item.second, child, origin, places);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json parse_yaml(const std::string& text, const std::string& origin, SourceMap& places,
                          const std::string& prefix) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: YAML syntax error: {}", place(origin, e.mark), e.msg));
  }
  return convert(root, prefix, origin, places);
}

}  // namespace tunelab
