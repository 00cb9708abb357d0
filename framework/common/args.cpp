#include "common/args.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "common/errors.h"
#include "common/near_matches.h"

namespace tunelab {
namespace {

const nlohmann::json kNull;

std::string type_name(const nlohmann::json& value) {
  if (value.is_string()) return fmt::format("the text '{}'", value.get<std::string>());
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return fmt::format("the number {}", value.dump());
  if (value.is_array()) return "a list";
  if (value.is_object()) return "a mapping";
  return "nothing";
}

[[noreturn]] void wrong_type(const std::string& key, const char* expected,
                             const nlohmann::json& value) {
  throw ConfigError(key, fmt::format("expected {}, got {}", expected, type_name(value)));
}

std::int64_t as_integer(const std::string& key, const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
      return static_cast<std::int64_t>(d);
  }
  wrong_type(key, "an integer", value);
}

}  // namespace

Args::Args(const nlohmann::json& args) : args_(&args) {
  if (!args.is_null() && !args.is_object()) wrong_type("", "a mapping of arguments", args);
}

Args Args::owning(nlohmann::json args) {
  auto owned = std::make_shared<const nlohmann::json>(std::move(args));
  Args out(*owned);
  out.owned_ = std::move(owned);
  return out;
}

const nlohmann::json* Args::lookup(const std::string& key) const {
  if (!args_->is_object()) return nullptr;
  const auto it = args_->find(key);
  return it == args_->end() || it->is_null() ? nullptr : &*it;
}

bool Args::has(const std::string& key) const { return lookup(key) != nullptr; }

double Args::number(const std::string& key) const {
  const auto* value = lookup(key);
  if (!value) throw ConfigError(key, "missing required value");
  if (!value->is_number()) wrong_type(key, "a number", *value);
  const double d = value->get<double>();
  if (!std::isfinite(d)) throw ConfigError(key, "expected a finite number");
  return d;
}

double Args::number(const std::string& key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

std::int64_t Args::integer(const std::string& key) const {
  const auto* value = lookup(key);
  if (!value) throw ConfigError(key, "missing required value");
  return as_integer(key, *value);
}

std::int64_t Args::integer(const std::string& key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

bool Args::boolean(const std::string& key, bool fallback) const {
  const auto* value = lookup(key);
  if (!value) return fallback;
  if (!value->is_boolean()) wrong_type(key, "true or false", *value);
  return value->get<bool>();
}

std::string Args::text(const std::string& key) const {
  const auto* value = lookup(key);
  if (!value) throw ConfigError(key, "missing required value");
  if (!value->is_string()) wrong_type(key, "a text", *value);
  return value->get<std::string>();
}

std::string Args::text(const std::string& key, const std::string& fallback) const {
  return has(key) ? text(key) : fallback;
}

std::vector<std::int64_t> Args::integers(const std::string& key,
                                         const std::vector<std::int64_t>& fallback) const {
  const auto* value = lookup(key);
  if (!value) return fallback;
  if (!value->is_array()) wrong_type(key, "a list of integers", *value);
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < value->size(); ++i)
    out.push_back(as_integer(fmt::format("{}[{}]", key, i), (*value)[i]));
  return out;
}

std::vector<double> Args::numbers(const std::string& key,
                                  const std::vector<double>& fallback) const {
  const auto* value = lookup(key);
  if (!value) return fallback;
  if (!value->is_array()) wrong_type(key, "a list of numbers", *value);
  std::vector<double> out;
  for (std::size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_number())
      wrong_type(fmt::format("{}[{}]", key, i), "a number", (*value)[i]);
    out.push_back((*value)[i].get<double>());
  }
  return out;
}

std::vector<std::string> Args::texts(const std::string& key,
                                     const std::vector<std::string>& fallback) const {
  const auto* value = lookup(key);
  if (!value) return fallback;
  if (!value->is_array()) wrong_type(key, "a list of texts", *value);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_string()) wrong_type(fmt::format("{}[{}]", key, i), "a text", (*value)[i]);
    out.push_back((*value)[i].get<std::string>());
  }
  return out;
}

const nlohmann::json& Args::section(const std::string& key) const {
  const auto* value = lookup(key);
  return value ? *value : kNull;
}

void Args::allow_only(std::initializer_list<const char*> allowed) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void Args::allow_only(const std::vector<std::string>& allowed) const {
  if (!args_->is_object()) return;
  for (const auto& item : args_->items()) {
    // null is "not given" (`--set model.act_fn=null` restores the default).
    if (item.value().is_null()) continue;
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    const auto near = near_matches(item.key(), allowed);
    throw ConfigError(
        item.key(),
        allowed.empty() ? std::string("unknown key (this takes no arguments)")
                        : fmt::format("unknown key{} (allowed: {})",
                                      near.empty() ? "" : ", did you mean '" + near.front() + "'?",
                                      fmt::join(allowed, ", ")),
        ConfigError::About::key);
  }
}

void require_positive(const std::string& key, double value) {
  if (!(value > 0)) throw ConfigError(key, fmt::format("must be greater than 0, got {}", value));
}

void require_at_least(const std::string& key, std::int64_t value, std::int64_t minimum) {
  if (value < minimum)
    throw ConfigError(key, fmt::format("must be at least {}, got {}", minimum, value));
}

void require_in_unit_interval(const std::string& key, double value) {
  if (!(value >= 0 && value <= 1))
    throw ConfigError(key, fmt::format("must be between 0 and 1, got {}", value));
}

}  // namespace tunelab
