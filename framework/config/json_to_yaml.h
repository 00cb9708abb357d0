#pragma once
// A resolved configuration written back as YAML, the way experiment files
// are written: mappings in block style, lists in flow style.

#include <string>

#include <nlohmann/json.hpp>

namespace tunelab {

std::string json_to_yaml(const nlohmann::json& value);

}  // namespace tunelab
