#include "common/json_paths.h"

#include <fmt/format.h>

#include <set>

namespace tunelab {
namespace {

void collect(const nlohmann::json& value, const std::string& path,
             std::map<std::string, nlohmann::json>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, child] : value.items())
      collect(child, path.empty() ? key : path + "." + key, out);
  } else {
    out[path] = value;
  }
}

std::string shown(const std::map<std::string, nlohmann::json>& leaves, const std::string& path) {
  const auto it = leaves.find(path);
  return it == leaves.end() ? "none" : it->second.dump();
}

}  // namespace

std::map<std::string, nlohmann::json> leaves_by_path(const nlohmann::json& value) {
  std::map<std::string, nlohmann::json> out;
  collect(value, "", out);
  return out;
}

nlohmann::json value_at_path(const nlohmann::json& value, const std::string& path) {
  const nlohmann::json* node = &value;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    if (dot == std::string::npos) return *node;
    start = dot + 1;
  }
}

std::vector<std::string> differing_leaves(const nlohmann::json& was, const nlohmann::json& now) {
  const auto before = leaves_by_path(was), after = leaves_by_path(now);
  std::set<std::string> paths;
  for (const auto& [path, value] : before) paths.insert(path);
  for (const auto& [path, value] : after) paths.insert(path);
  std::vector<std::string> out;
  for (const auto& path : paths) {
    const auto a = before.find(path), b = after.find(path);
    if (a != before.end() && b != after.end() && a->second == b->second) continue;
    out.push_back(
        fmt::format("{} ({} before, {} now)", path, shown(before, path), shown(after, path)));
  }
  return out;
}

}  // namespace tunelab
