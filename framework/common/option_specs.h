#pragma once
// The options a registered piece (a block, an optimizer, a sampler, ...)
// takes, declared once: key, type, default, check and a one-line doc. The
// factory reads its arguments through the declaration (a key it does not
// declare is refused with the declared ones listed, a value of the wrong
// type or out of range is refused at its key, a key left out reads as its
// default), and `tunelab plugins --name NAME` lists them.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/args.h"

namespace tunelab {

enum class OptionType { number, integer, boolean, text, integers, texts, numbers, mapping, any };

// A check of a given value beyond its type; throws ConfigError(key, ...).
struct OptionCheck {
  std::string shown;  // how the listing states it: "> 0", ">= 1", "in [0, 1]", ...
  std::function<void(const std::string& key, const nlohmann::json& value)> check;

  static OptionCheck positive();
  static OptionCheck non_negative();
  static OptionCheck at_least(double minimum);
  static OptionCheck in_unit_interval();  // [0, 1]
  static OptionCheck share();             // [0, 1): a dropout rate, say
  static OptionCheck one_of(std::vector<std::string> choices);
};

struct OptionSpec {
  OptionSpec(std::string key, OptionType type, nlohmann::json fallback, std::string doc,
             OptionCheck check = {})
      : key(std::move(key)),
        type(type),
        fallback(std::move(fallback)),
        doc(std::move(doc)),
        check(std::move(check)) {}

  std::string key;
  OptionType type;
  // Read when the key is left out; null: none (the piece decides, and says
  // so in `doc`).
  nlohmann::json fallback;
  std::string doc;
  OptionCheck check;
};

std::string to_string(OptionType type);

class OptionSpecs {
 public:
  OptionSpecs() = default;
  OptionSpecs(std::initializer_list<OptionSpec> specs);  // NOLINT: a list of specs reads as one

  // `args` (a mapping, or null for none) read through the declaration.
  // ConfigError at the key for an undeclared key, a wrong type or a failed
  // check.
  Args read(const nlohmann::json& args) const;

  // These and one more (for a piece that extends another's options).
  OptionSpecs with(OptionSpec spec) const;

  const std::vector<OptionSpec>& specs() const { return specs_; }
  bool empty() const { return specs_.empty(); }

 private:
  std::vector<OptionSpec> specs_;
};

}  // namespace tunelab
