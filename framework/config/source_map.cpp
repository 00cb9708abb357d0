#include "config/source_map.h"

namespace tunelab {
namespace {

// "model.c_hidden[1]" -> "model.c_hidden" -> "model" -> "" (the document).
std::string parent_of(const std::string& key) {
  const auto cut = key.find_last_of(".[");
  return cut == std::string::npos ? std::string() : key.substr(0, cut);
}

}  // namespace

std::string SourceMap::place_of(const std::string& key, ConfigError::About about) const {
  if (about == ConfigError::About::key) {
    if (const auto it = keys_.find(key); it != keys_.end()) return it->second;
  }
  for (std::string k = key;; k = parent_of(k)) {
    if (const auto it = values_.find(k); it != values_.end()) return it->second;
    if (k.empty()) return file_;
  }
}

InputError SourceMap::locate(const ConfigError& error) const {
  const std::string place = place_of(error.key(), error.about());
  std::string message = place.empty() ? "" : place + ": ";
  if (!error.key().empty()) message += error.key() + ": ";
  return InputError(message + error.what());
}

}  // namespace tunelab
