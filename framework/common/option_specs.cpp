#include "common/option_specs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace tunelab {
namespace {

double number_of(const nlohmann::json& value) { return value.get<double>(); }

// Throws the typed getter's ConfigError when `value` is not of `type`.
void check_type(const std::string& key, OptionType type, const nlohmann::json& value) {
  const nlohmann::json one{{key, value}};
  const Args args(one);
  switch (type) {
    case OptionType::number:
      args.number(key);
      return;
    case OptionType::integer:
      args.integer(key);
      return;
    case OptionType::boolean:
      args.boolean(key, false);
      return;
    case OptionType::text:
      args.text(key);
      return;
    case OptionType::integers:
      args.integers(key, {});
      return;
    case OptionType::texts:
      args.texts(key, {});
      return;
    case OptionType::numbers:
      if (!value.is_array())
        throw ConfigError(key, fmt::format("expected a list of numbers, got {}", value.dump()));
      for (std::size_t i = 0; i < value.size(); ++i)
        check_type(fmt::format("{}[{}]", key, i), OptionType::number, value[i]);
      return;
    case OptionType::mapping:
      if (!value.is_object())
        throw ConfigError(key, fmt::format("expected a mapping, got {}", value.dump()));
      return;
    case OptionType::any:
      return;
  }
}

}  // namespace

std::string to_string(OptionType type) {
  switch (type) {
    case OptionType::number:
      return "number";
    case OptionType::integer:
      return "integer";
    case OptionType::boolean:
      return "true/false";
    case OptionType::text:
      return "text";
    case OptionType::integers:
      return "list of integers";
    case OptionType::texts:
      return "list of texts";
    case OptionType::numbers:
      return "list of numbers";
    case OptionType::mapping:
      return "mapping";
    case OptionType::any:
      return "value";
  }
  return "value";
}

OptionCheck OptionCheck::positive() {
  return {"> 0", [](const std::string& key, const nlohmann::json& value) {
            require_positive(key, number_of(value));
          }};
}

OptionCheck OptionCheck::non_negative() {
  return {">= 0", [](const std::string& key, const nlohmann::json& value) {
            if (number_of(value) < 0) throw ConfigError(key, "must not be negative");
          }};
}

OptionCheck OptionCheck::at_least(double minimum) {
  return {fmt::format(">= {}", minimum),
          [minimum](const std::string& key, const nlohmann::json& value) {
            if (number_of(value) < minimum)
              throw ConfigError(key,
                                fmt::format("must be at least {}, got {}", minimum, value.dump()));
          }};
}

OptionCheck OptionCheck::in_unit_interval() {
  return {"in [0, 1]", [](const std::string& key, const nlohmann::json& value) {
            require_in_unit_interval(key, number_of(value));
          }};
}

OptionCheck OptionCheck::share() {
  return {"in [0, 1)", [](const std::string& key, const nlohmann::json& value) {
            const double v = number_of(value);
            if (!(v >= 0 && v < 1))
              throw ConfigError(key, fmt::format("must be at least 0 and below 1, got {}", v));
          }};
}

OptionCheck OptionCheck::one_of(std::vector<std::string> choices) {
  const std::string shown = fmt::format("{}", fmt::join(choices, " | "));
  return {shown,
          [choices = std::move(choices)](const std::string& key, const nlohmann::json& value) {
            const auto text = value.get<std::string>();
            if (std::find(choices.begin(), choices.end(), text) == choices.end())
              throw ConfigError(
                  key, fmt::format("expected one of {}, got '{}'", fmt::join(choices, ", "), text));
          }};
}

OptionSpecs::OptionSpecs(std::initializer_list<OptionSpec> specs) : specs_(specs) {}

OptionSpecs OptionSpecs::with(OptionSpec spec) const {
  OptionSpecs out = *this;
  out.specs_.push_back(std::move(spec));
  return out;
}

Args OptionSpecs::read(const nlohmann::json& args) const {
  std::vector<std::string> keys;
  for (const auto& spec : specs_) keys.push_back(spec.key);
  Args(args).allow_only(keys);
  nlohmann::json completed = nlohmann::json::object();
  for (const auto& spec : specs_) {
    const auto given = args.is_object() ? args.find(spec.key) : args.end();
    if (args.is_object() && given != args.end() && !given->is_null()) {
      check_type(spec.key, spec.type, *given);
      if (spec.check.check) spec.check.check(spec.key, *given);
      completed[spec.key] = *given;
    } else if (!spec.fallback.is_null()) {
      completed[spec.key] = spec.fallback;
    }
  }
  return Args::owning(std::move(completed));
}

}  // namespace tunelab
