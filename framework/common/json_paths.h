#pragma once
// Configurations addressed by dotted paths ("model.c_hidden"), as the
// experiment file's --set, search.space and the store's queries name them.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunelab {

// Every leaf of `value` by its dotted path (lists are leaves: they differ
// as a whole; an empty mapping is a leaf too).
std::map<std::string, nlohmann::json> leaves_by_path(const nlohmann::json& value);

// The value at a dotted path, or null where there is none.
nlohmann::json value_at_path(const nlohmann::json& value, const std::string& path);

// The leaves whose values differ between `was` and `now` (or that only one
// has), as "path (A before, B now)", in path order.
std::vector<std::string> differing_leaves(const nlohmann::json& was, const nlohmann::json& now);

}  // namespace tunelab
