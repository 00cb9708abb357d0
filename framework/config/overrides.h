#pragma once
// --set dotted.path=value: overrides applied to an experiment document before
// it is interpreted, so an overridden value is checked like one in the file.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/source_map.h"

namespace tunelab {

// Applies each "a.b.c=value" (value parsed as YAML: 3, 1e-3, [1, 2], text) to
// `document`, creating missing mappings on the way. A value the search space
// varies (the key itself, or a mapping above it) is then fixed: its
// dimension leaves search.space. Returns the dimensions removed. Malformed
// overrides and paths through a non-mapping are InputErrors naming the flag.
std::vector<std::string> apply_overrides(nlohmann::json& document,
                                         const std::vector<std::string>& overrides,
                                         SourceMap& places);

// Sets the value at a dotted path, creating missing mappings; a last part
// `key[i]` sets the i-th element of the list at `key`. Throws
// ConfigError(path, ...) when the path runs through a single value, or past
// the list's end.
void set_path(nlohmann::json& document, const std::string& path, nlohmann::json value);

}  // namespace tunelab
