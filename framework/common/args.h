#pragma once
// Typed, validated reading of a factory's arguments (a JSON object taken from
// the experiment file). Every mistake becomes a ConfigError naming the key, so
// the front end can point at the line in the file.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunelab {

class Args {
 public:
  // `args` must be an object or null (no arguments); it must outlive this.
  explicit Args(const nlohmann::json& args);
  // Arguments this object keeps (common/option_specs.h completes them).
  static Args owning(nlohmann::json args);

  bool has(const std::string& key) const;

  double number(const std::string& key, double fallback) const;
  double number(const std::string& key) const;
  std::int64_t integer(const std::string& key, std::int64_t fallback) const;
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  std::string text(const std::string& key) const;
  std::vector<std::int64_t> integers(const std::string& key,
                                     const std::vector<std::int64_t>& fallback) const;
  std::vector<std::string> texts(const std::string& key,
                                 const std::vector<std::string>& fallback) const;
  std::vector<double> numbers(const std::string& key, const std::vector<double>& fallback) const;
  // The raw value of an optional nested section (null when absent).
  const nlohmann::json& section(const std::string& key) const;

  // Rejects keys not in `allowed`, listing the allowed ones.
  void allow_only(std::initializer_list<const char*> allowed) const;
  void allow_only(const std::vector<std::string>& allowed) const;

 private:
  const nlohmann::json* lookup(const std::string& key) const;
  std::shared_ptr<const nlohmann::json> owned_;
  const nlohmann::json* args_;
};

// Validation helpers shared by factories: each throws ConfigError(key, ...).
void require_positive(const std::string& key, double value);
void require_at_least(const std::string& key, std::int64_t value, std::int64_t minimum);
void require_in_unit_interval(const std::string& key, double value);

}  // namespace tunelab
