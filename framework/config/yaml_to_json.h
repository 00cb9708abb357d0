#pragma once
// YAML documents as JSON values, typed by YAML 1.2's core schema (quoted
// scalars stay text), with the place of every key and value recorded.

#include <string>

#include <nlohmann/json.hpp>

#include "config/source_map.h"

namespace tunelab {

// Parses text (a file's contents, or a --set value) and converts it,
// recording places under `prefix` ("" for the document root). Syntax errors
// become InputErrors at "origin:line:col"; duplicate keys are ConfigErrors at
// the second occurrence.
nlohmann::json parse_yaml(const std::string& text, const std::string& origin, SourceMap& places,
                          const std::string& prefix = "");

}  // namespace tunelab
