#include "config/json_to_yaml.h"

#include <yaml-cpp/yaml.h>

namespace tunelab {
namespace {

YAML::Node to_yaml(const nlohmann::json& value) {
  YAML::Node node;
  if (value.is_object()) {
    node = YAML::Node(YAML::NodeType::Map);
    for (const auto& item : value.items()) node[item.key()] = to_yaml(item.value());
    if (value.empty()) node.SetStyle(YAML::EmitterStyle::Flow);  // "{}" on the key's line
  } else if (value.is_array()) {
    node = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& item : value) node.push_back(to_yaml(item));
    node.SetStyle(YAML::EmitterStyle::Flow);
  } else if (value.is_string()) {
    node = value.get<std::string>();
  } else if (value.is_null()) {
    node = YAML::Node(YAML::NodeType::Null);
  } else {
    node = YAML::Load(value.dump());  // numbers and booleans, as JSON spells them
  }
  return node;
}

}  // namespace

std::string json_to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out << to_yaml(value);
  return out.c_str();
}

}  // namespace tunelab
