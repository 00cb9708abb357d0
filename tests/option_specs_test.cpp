// A piece's options declared once: read through, checked and defaulted.

#include <doctest/doctest.h>

#include "common/errors.h"
#include "common/option_specs.h"
#include "plugin/registrar.h"
#include "support.h"

namespace {

const tunelab::OptionSpecs kSpecs{
    {"rate", tunelab::OptionType::number, 0.5, "a rate", tunelab::OptionCheck::in_unit_interval()},
    {"steps", tunelab::OptionType::integer, 3, "steps", tunelab::OptionCheck::at_least(1)},
    {"name", tunelab::OptionType::text, nullptr, "no default"}};

std::string error_of(const nlohmann::json& args) {
  try {
    kSpecs.read(args);
  } catch (const tunelab::ConfigError& e) {
    return e.key() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("registry") {
  TEST_CASE("options read through their declaration: defaults, types, checks, unknown keys") {
    const auto defaults = kSpecs.read(nullptr);
    CHECK(defaults.number("rate") == 0.5);
    CHECK(defaults.integer("steps") == 3);
    CHECK_FALSE(defaults.has("name"));
    const auto given = kSpecs.read({{"rate", 0.25}, {"name", "x"}});
    CHECK(given.number("rate") == 0.25);
    CHECK(given.integer("steps") == 3);
    CHECK(given.text("name") == "x");
    CHECK(error_of({{"rate", 2}}) == "rate: must be between 0 and 1, got 2");
    CHECK(error_of({{"steps", 0}}) == "steps: must be at least 1, got 0");
    CHECK(error_of({{"steps", "many"}}) == "steps: expected an integer, got the text 'many'");
    CHECK(error_of({{"stepz", 2}}) ==
          "stepz: unknown key, did you mean 'steps'? (allowed: rate, steps, name)");
    // null means "not given": the default again.
    CHECK(kSpecs.read({{"rate", nullptr}}).number("rate") == 0.5);
  }

  TEST_CASE("every built-in that takes options declares them, each with a doc") {
    std::size_t declared = 0;
    for (const auto& entry : tunelab::list_registered(tunelab::test::builtins())) {
      for (const auto& spec : entry.options.specs()) {
        INFO(entry.kind << " " << entry.name << " " << spec.key);
        CHECK_FALSE(spec.doc.empty());
        ++declared;
        // A declared default passes the declaration's own checks.
        if (!spec.fallback.is_null())
          CHECK_NOTHROW(entry.options.read({{spec.key, spec.fallback}}));
      }
    }
    CHECK(declared >= 40);
  }
}
