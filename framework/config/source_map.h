#pragma once
// Where each value of an experiment came from: "file.yaml:14:11", or the
// --set flag that overrode it. Turns a ConfigError keyed "model.act_fn" into a
// message that points at the file.

#include <map>
#include <string>

#include "common/errors.h"

namespace tunelab {

class SourceMap {
 public:
  explicit SourceMap(std::string file = {}) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  void set_value_place(const std::string& key, std::string place) {
    values_[key] = std::move(place);
  }
  void set_key_place(const std::string& key, std::string place) { keys_[key] = std::move(place); }

  // The place of `key`, or of its closest enclosing key that has one, or the
  // file itself.
  std::string place_of(const std::string& key, ConfigError::About about) const;

  // "file:line:col: key: message".
  InputError locate(const ConfigError& error) const;

 private:
  std::string file_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> keys_;
};

}  // namespace tunelab
