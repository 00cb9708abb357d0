#include "config/overrides.h"

#include <fmt/format.h>

#include <regex>

#include "config/yaml_to_json.h"

namespace tunelab {

namespace {

// Removes from the document's search space every dimension that `key` sets
// (the same path, or one under it), appending their paths to `fixed`.
void unsearch(nlohmann::json& document, const std::string& key, std::vector<std::string>& fixed) {
  if (!document.is_object() || !document.contains("search") || !document["search"].is_object())
    return;
  nlohmann::json& search = document["search"];
  if (!search.contains("space") || !search["space"].is_object()) return;
  nlohmann::json& space = search["space"];
  for (auto it = space.begin(); it != space.end();) {
    const std::string& path = it.key();
    if (path == key || path.rfind(key + ".", 0) == 0 || path.rfind(key + "[", 0) == 0) {
      fixed.push_back(path);
      it = space.erase(it);
    } else {
      ++it;
    }
  }
  if (space.empty()) search.erase("space");
}

}  // namespace

std::vector<std::string> apply_overrides(nlohmann::json& document,
                                         const std::vector<std::string>& overrides,
                                         SourceMap& places) {
  std::vector<std::string> fixed;
  static const std::regex key_re("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  for (const std::string& flag : overrides) {
    const std::string origin = "--set " + flag;
    const auto eq = flag.find('=');
    if (eq == std::string::npos)
      throw InputError(fmt::format("{}: expected key.path=value", origin));
    const std::string key = flag.substr(0, eq);
    if (!std::regex_match(key, key_re))
      throw InputError(
          fmt::format("{}: '{}' is not a dotted key path like trainer.lr", origin, key));

    nlohmann::json value = parse_yaml(flag.substr(eq + 1), origin, places, key);
    try {
      set_path(document, key, std::move(value));
    } catch (const ConfigError& e) {
      throw InputError(fmt::format("{}: {}", origin, e.what()));
    }
    places.set_key_place(key, origin);
    // One or several objectives: setting either form replaces the other.
    if (key == "search.objectives") {
      document["search"].erase("metric");
      document["search"].erase("direction");
    } else if (key == "search.metric" && document["search"].is_object()) {
      document["search"].erase("objectives");
    }
    if (key.rfind("search.", 0) != 0 && key != "search") unsearch(document, key, fixed);
  }
  return fixed;
}

namespace {

// `key: value` in `node`, or, for `key[i]`, the i-th element of the list
// `key` holds (a search space's per-element dimension, `c_hidden[1]`).
void set_last(nlohmann::json& node, const std::string& part, const std::string& path,
              nlohmann::json value) {
  const auto open = part.find('[');
  if (open == std::string::npos) {
    node[part] = std::move(value);
    return;
  }
  const std::string key = part.substr(0, open);
  std::size_t index = 0;
  try {
    std::size_t used = 0;
    index = std::stoul(part.substr(open + 1), &used);
    if (part.substr(open + 1 + used) != "]") throw std::invalid_argument(part);
  } catch (const std::logic_error&) {
    throw ConfigError(path, fmt::format("'{}' is not KEY[INDEX], such as c_hidden[1]", part));
  }
  const auto list = node.find(key);
  if (list == node.end() || !list->is_array())
    throw ConfigError(path, fmt::format("'{}' sets an element of a list, and {} is not a list in "
                                        "the file: write the whole list there ({}: [32, 32, 32])",
                                        part, key, key));
  if (index >= list->size())
    throw ConfigError(path, fmt::format("index {} is beyond the list's {} elements (0 to {}): the "
                                        "file's list has the longest length searched",
                                        index, list->size(), list->size() - 1));
  (*list)[index] = std::move(value);
}

}  // namespace

void set_path(nlohmann::json& document, const std::string& path, nlohmann::json value) {
  if (!document.is_object()) document = nlohmann::json::object();
  nlohmann::json* node = &document;
  std::string walked;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    walked += (walked.empty() ? "" : ".") + part;
    if (dot == std::string::npos) {
      set_last(*node, part, path, std::move(value));
      return;
    }
    nlohmann::json& next = (*node)[part];
    if (next.is_null()) next = nlohmann::json::object();
    if (next.is_array())
      throw ConfigError(path, fmt::format("'{}' is a list, and a dotted path cannot reach into a "
                                          "list: set the whole list, or one value for all of it "
                                          "where the key takes one (c_hidden: 64)",
                                          walked));
    if (!next.is_object())
      throw ConfigError(path, fmt::format("'{}' holds a single value, not a mapping", walked));
    node = &next;
    start = dot + 1;
  }
}

}  // namespace tunelab
