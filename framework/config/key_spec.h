#pragma once
// A key of an experiment file's section, declared once: its struct field, the
// docs table's row (type, default, meaning), how the reader takes it from the
// file (checks throw ConfigError at the key, which the loader turns into
// file:line:col), and how to_json states it in the resolved configuration
// that a study stores and compares on --resume. The sections' declarations
// are config/*_keys.cpp; the allowed keys, the reader, to_json and the docs
// tables all come from them.

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/args.h"
#include "common/errors.h"

namespace tunelab {

struct ExperimentConfig;

// The docs table's row beyond the key. Left empty, `type` and `fallback` are
// written from the declaration (the field's type, range and default).
struct KeyDoc {
  KeyDoc(std::string meaning, std::string type = "", std::string fallback = "")  // NOLINT
      : meaning(std::move(meaning)), type(std::move(type)), fallback(std::move(fallback)) {}
  std::string meaning;
  std::string type;
  std::string fallback;
};

template <typename Section>
struct KeySpec {
  using Read = std::function<void(const Args& args, Section& into, const ExperimentConfig& so_far)>;
  using Write = std::function<void(const Section& from, nlohmann::json& out)>;

  std::string key;
  KeyDoc doc;
  // Reads the key from its section's `args` (the keys declared before it are
  // read already; `so_far` is the experiment up to this section).
  Read read;
  // Sets the key in the section's resolved JSON.
  Write write;
  // Whether to_json states the key; empty: always. A key added after
  // studies were stored is stated only when it is set, so that their
  // configurations, which lack it, stay the same.
  std::function<bool(const Section&)> stated;

  KeySpec stated_when(std::function<bool(const Section&)> when) && {
    stated = std::move(when);
    return std::move(*this);
  }
  // Given only where `when` holds: "quantiles: is for scaling: quantile".
  KeySpec only_with(std::function<bool(const Section&)> when, std::string message) && {
    read = [read = std::move(read), when = std::move(when), message = std::move(message),
            key = key](const Args& args, Section& into, const ExperimentConfig& so_far) {
      if (args.has(key) && !when(into)) throw ConfigError(key, message);
      read(args, into, so_far);
    };
    return std::move(*this);
  }
};

// A section's keys in the order they are read (and listed).
template <typename Section>
class SectionKeys {
 public:
  using After =
      std::function<void(const Args& args, Section& into, const ExperimentConfig& so_far)>;

  explicit SectionKeys(std::vector<KeySpec<Section>> keys, After after = {})
      : keys_(std::move(keys)), after_(std::move(after)) {}

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& k : keys_) out.push_back(k.key);
    return out;
  }

  // `json`: the section's mapping (null: every key at its default). An
  // undeclared key is refused, listing the declared ones.
  void read_into(const nlohmann::json& json, Section& into, const ExperimentConfig& so_far) const {
    const Args args(json);
    args.allow_only(names());
    for (const auto& k : keys_) k.read(args, into, so_far);
    if (after_) after_(args, into, so_far);
  }

  nlohmann::json write(const Section& section) const {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& k : keys_)
      if (!k.stated || k.stated(section)) k.write(section, out);
    return out;
  }

  // The docs table: | key | type | default | meaning |.
  std::string markdown_table() const {
    std::string out = "| key | type | default | meaning |\n| --- | --- | --- | --- |\n";
    for (const auto& k : keys_)
      out += fmt::format("| `{}` | {} | {} | {} |\n", k.key, k.doc.type, k.doc.fallback,
                         k.doc.meaning);
    return out;
  }

 private:
  std::vector<KeySpec<Section>> keys_;
  After after_;
};

// `read` with its errors placed under `section`: "split.trian" in "data".
template <typename Read>
auto in_section(const std::string& section, Read read) {
  try {
    return read();
  } catch (const ConfigError& e) {
    throw e.under(section);
  }
}

// A name with its options, as a sampler, a pruner or an objective is given:
// `tpe`, or {name: tpe, startup_trials: 10} -> ("tpe", {startup_trials: 10});
// left out: (fallback, {}).
inline std::pair<std::string, nlohmann::json> named_section(const Args& args,
                                                            const std::string& key,
                                                            const std::string& fallback) {
  const auto& value = args.section(key);
  if (value.is_null()) return {fallback, nlohmann::json::object()};
  if (value.is_string()) return {value.get<std::string>(), nlohmann::json::object()};
  if (!value.is_object()) throw ConfigError(key, "expected a name or a mapping with a name");
  nlohmann::json rest = value;
  rest.erase("name");
  return {Args(value).text("name", fallback), rest};
}

// Its inverse, as to_json states it: the options with the name among them.
inline nlohmann::json named_json(const std::string& name, nlohmann::json options) {
  options["name"] = name;
  return options;
}

// ---- Declarations of the common kinds of key ----

namespace keys_detail {

inline std::string shown(double value) { return fmt::format("{:g}", value); }
inline std::string shown(std::int64_t value) { return std::to_string(value); }
inline std::string shown(int value) { return std::to_string(value); }
inline std::string shown(std::uint64_t value) { return std::to_string(value); }
inline std::string shown(bool value) { return value ? "`true`" : "`false`"; }
inline std::string shown(const std::string& value) { return "`" + value + "`"; }
inline std::string shown(const nlohmann::json& value) { return "`" + value.dump() + "`"; }

// "a, b or c", each name between `quote`s.
inline std::string one_of(const std::vector<std::string>& names, const std::string& quote) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + quote + names[i] + quote;
  return out;
}

template <typename Section, typename T>
KeySpec<Section> field_key(std::string key, T Section::*field, KeyDoc doc, std::string type,
                           typename KeySpec<Section>::Read read) {
  if (doc.type.empty()) doc.type = std::move(type);
  if (doc.fallback.empty()) doc.fallback = shown(Section{}.*field);
  KeySpec<Section> spec{key, std::move(doc), std::move(read), {}, {}};
  spec.write = [key, field](const Section& s, nlohmann::json& out) { out[key] = s.*field; };
  return spec;
}

}  // namespace keys_detail

// Stated only where it differs from the default (a key newer than the
// stored studies).
template <typename Section, typename T>
std::function<bool(const Section&)> when_set(T Section::*field) {
  return [field](const Section& s) { return !(s.*field == Section{}.*field); };
}

// An integer in [minimum, maximum].
template <typename Section, typename T>
KeySpec<Section> integer_key(std::string key, T Section::*field, KeyDoc doc, std::int64_t minimum,
                             std::int64_t maximum = std::numeric_limits<std::int64_t>::max()) {
  const std::string type = maximum == std::numeric_limits<std::int64_t>::max()
                               ? fmt::format("integer ≥ {}", minimum)
                               : fmt::format("integer {}..{}", minimum, maximum);
  return keys_detail::field_key<Section, T>(
      key, field, std::move(doc), type,
      [key, field, minimum, maximum](const Args& args, Section& s, const ExperimentConfig&) {
        if (!args.has(key)) return;
        const std::int64_t value = args.integer(key);
        require_at_least(key, value, minimum);
        if (value > maximum) throw ConfigError(key, fmt::format("must be at most {}", maximum));
        s.*field = static_cast<T>(value);
      });
}

// A number, checked by `check` (a name for the docs and a function that
// throws ConfigError).
struct NumberCheck {
  std::string type;
  std::function<void(const std::string& key, double value)> check;

  static NumberCheck positive() { return {"number > 0", require_positive}; }
  static NumberCheck not_negative(std::string message = "must not be negative") {
    return {"number ≥ 0", [message](const std::string& key, double value) {
              if (!(value >= 0)) throw ConfigError(key, message);
            }};
  }
};

template <typename Section>
KeySpec<Section> number_key(std::string key, double Section::*field, KeyDoc doc,
                            NumberCheck check) {
  return keys_detail::field_key<Section, double>(
      key, field, std::move(doc), check.type,
      [key, field, check = check.check](const Args& args, Section& s, const ExperimentConfig&) {
        if (!args.has(key)) return;
        s.*field = args.number(key);
        check(key, s.*field);
      });
}

template <typename Section>
KeySpec<Section> boolean_key(std::string key, bool Section::*field, KeyDoc doc) {
  return keys_detail::field_key<Section, bool>(
      key, field, std::move(doc), "boolean",
      [key, field](const Args& args, Section& s, const ExperimentConfig&) {
        s.*field = args.boolean(key, s.*field);
      });
}

template <typename Section>
KeySpec<Section> text_key(std::string key, std::string Section::*field, KeyDoc doc) {
  return keys_detail::field_key<Section, std::string>(
      key, field, std::move(doc), "text",
      [key, field](const Args& args, Section& s, const ExperimentConfig&) {
        s.*field = args.text(key, s.*field);
      });
}

// A text the file must give.
template <typename Section>
KeySpec<Section> required_text_key(std::string key, std::string Section::*field, KeyDoc doc) {
  if (doc.fallback.empty()) doc.fallback = "required";
  return keys_detail::field_key<Section, std::string>(
      key, field, std::move(doc), "text",
      [key, field](const Args& args, Section& s, const ExperimentConfig&) {
        s.*field = args.text(key);
        if ((s.*field).empty()) throw ConfigError(key, "must not be empty");
      });
}

// A mapping of options handed on as it is (an optimizer's, a loss's).
template <typename Section>
KeySpec<Section> mapping_key(std::string key, nlohmann::json Section::*field, KeyDoc doc,
                             std::string message = "expected a mapping of options") {
  if (doc.fallback.empty()) doc.fallback = "`{}`";
  return keys_detail::field_key<Section, nlohmann::json>(
      key, field, std::move(doc), "mapping",
      [key, field, message](const Args& args, Section& s, const ExperimentConfig&) {
        const auto& value = args.section(key);
        if (value.is_null()) return;
        if (!value.is_object()) throw ConfigError(key, message);
        s.*field = value;
      });
}

// One of a few names, each standing for a value of the field: {"onehot",
// onehot}, {"embedding", embedding}; the first is what the docs show first.
template <typename Section, typename T>
KeySpec<Section> choice_key(std::string key, T Section::*field,
                            std::vector<std::pair<std::string, T>> choices, KeyDoc doc) {
  std::vector<std::string> names;
  for (const auto& c : choices) names.push_back(c.first);
  const std::string listed = keys_detail::one_of(names, "");
  const std::string type = keys_detail::one_of(names, "`");
  if (doc.type.empty()) doc.type = type;
  if (doc.fallback.empty())
    for (const auto& c : choices)
      if (c.second == Section{}.*field) doc.fallback = "`" + c.first + "`";
  KeySpec<Section> spec{key, std::move(doc), {}, {}, {}};
  spec.read = [key, field, choices, listed](const Args& args, Section& s, const ExperimentConfig&) {
    if (!args.has(key)) return;
    const std::string name = args.text(key);
    for (const auto& c : choices)
      if (c.first == name) {
        s.*field = c.second;
        return;
      }
    throw ConfigError(key, fmt::format("expected {}, got '{}'", listed, name));
  };
  spec.write = [key, field, choices](const Section& s, nlohmann::json& out) {
    for (const auto& c : choices)
      if (c.second == s.*field) out[key] = c.first;
  };
  return spec;
}

// A key read and written by hand: a nested mapping, a list, a key whose
// checks reach other keys.
template <typename Section>
KeySpec<Section> custom_key(std::string key, KeyDoc doc, typename KeySpec<Section>::Read read,
                            typename KeySpec<Section>::Write write) {
  return KeySpec<Section>{std::move(key), std::move(doc), std::move(read), std::move(write), {}};
}

}  // namespace tunelab
