#include <doctest/doctest.h>

#include <cmath>

#include "common/errors.h"
#include "search/space.h"
#include "support.h"

using tunelab::Dimension;

namespace {

Dimension dimension(const nlohmann::json& spec) {
  return tunelab::read_search_space({{"x", spec}}).dimensions.at(0);
}

}  // namespace

TEST_SUITE("search space") {
  TEST_CASE("float ranges: linear and log scales and steps") {
    const auto lin = dimension({{"type", "float"}, {"low", 1}, {"high", 3}});
    CHECK(lin.value_at(0.0) == 1.0);
    CHECK(lin.value_at(0.5) == 2.0);
    CHECK(lin.value_at(1.0) == 3.0);
    const auto log = dimension({{"type", "float"}, {"low", 1e-4}, {"high", 1e-2}, {"log", true}});
    CHECK(log.value_at(0.5).get<double>() == doctest::Approx(1e-3));
    CHECK(log.position_of(1e-3) == doctest::Approx(0.5));
    const auto stepped = dimension({{"type", "float"}, {"low", 0}, {"high", 1}, {"step", 0.25}});
    CHECK(stepped.value_at(0.3) == 0.25);
    CHECK(stepped.grid(5).size() == 5);
  }

  TEST_CASE("int ranges give every integer an equal share and pow2 transforms") {
    const auto d = dimension({{"type", "int"}, {"low", 3}, {"high", 5}});
    CHECK(d.value_at(0.0) == 3);
    CHECK(d.value_at(0.34) == 4);
    CHECK(d.value_at(0.99) == 5);
    CHECK(d.value_at(1.0) == 5);
    const auto p = dimension({{"type", "int"}, {"low", 3}, {"high", 7}, {"transform", "pow2"}});
    CHECK(p.grid(0) == std::vector<nlohmann::json>({8, 16, 32, 64, 128}));
    // position_of is value_at's inverse: the middle of each integer's share.
    CHECK(p.position_of(128) == doctest::Approx(0.9));
    for (const auto& v : p.grid(0)) CHECK(p.value_at(p.position_of(v)) == v);
    for (int v = 3; v <= 5; ++v) CHECK(d.value_at(d.position_of(v)) == v);
  }

  TEST_CASE("categorical dimensions take scalars of one kind") {
    const auto d = dimension({{"type", "categorical"}, {"choices", {8, 16.5, 32}}});
    CHECK(d.value_at(0.0) == 8);
    CHECK(d.value_at(0.5) == 16.5);
    CHECK(d.value_at(0.999) == 32);
    CHECK(dimension({{"type", "categorical"}, {"choices", {true, false}}}).value_at(0.0) == true);
    // Text beside numbers is a mistake a trial would only find at run time.
    CHECK_THROWS_WITH_AS(
        dimension({{"type", "categorical"}, {"choices", {"relu", 3}}}),
        "3 is a number, but choices[0] is text: one kind of value per categorical (quote numbers "
        "meant as text)",
        tunelab::ConfigError);
  }

  TEST_CASE("bad dimensions name the key") {
    const auto error = [](const nlohmann::json& spec) {
      try {
        dimension(spec);
      } catch (const tunelab::ConfigError& e) {
        return e.key() + ": " + e.what();
      }
      return std::string("no error");
    };
    CHECK(error({{"type", "float"}, {"low", 2}, {"high", 1}}) ==
          "x.high: must be greater than low (2 >= 1)");
    CHECK(error({{"type", "float"}, {"low", 0}, {"high", 1}, {"log", true}}) ==
          "x.low: must be greater than 0 for a log scale, got 0");
    CHECK(error({{"type", "categorical"}, {"choices", nlohmann::json::array()}}) ==
          "x.choices: must not be empty");
    CHECK(error({{"type", "categorical"}, {"choices", {"a", "a"}}}) ==
          "x.choices[1]: \"a\" is listed twice");
    CHECK(error({{"type", "real"}, {"low", 0}, {"high", 1}}) ==
          "x.type: expected float, int or categorical, got 'real'");
    CHECK(error({{"type", "int"}, {"low", 0.5}, {"high", 3}}) ==
          "x.low: expected an integer, got the number 0.5");
    CHECK(error({{"type", "float"}, {"low", 0}, {"high", 1}, {"choices", {1}}}) ==
          "x.choices: unknown key (allowed: type, low, high, log, step, when)");
    CHECK(error({{"type", "int"}, {"low", 1}, {"high", 4}, {"transform", "exp"}}) ==
          "x.transform: expected pow2, got 'exp'");
    CHECK(error("wide") == "x: expected a mapping such as {type: float, low: 1e-4, high: 1e-1}");
  }

  TEST_CASE("a Latin hypercube uses every stratum of every dimension exactly once") {
    const auto space = tunelab::read_search_space(
        {{"a", {{"type", "float"}, {"low", 0}, {"high", 1}}},
         {"b", {{"type", "float"}, {"low", 1e-4}, {"high", 1}, {"log", true}}}});
    const int n = 16;
    auto sampler =
        tunelab::test::builtins().samplers.factory("lhs")({nlohmann::json::object(), &space, 3, n});
    std::vector<int> used_a(n, 0), used_b(n, 0);
    int upper_halves = 0;  // points in the upper half of their stratum
    for (int k = 0; k < n; ++k) {
      const auto p = *sampler->propose(k, {});
      const double a = space.dimensions[0].position_of(p.at("a")) * n;
      upper_halves += a - std::floor(a) >= 0.5;
      ++used_a[static_cast<std::size_t>(a)];
      ++used_b[static_cast<std::size_t>(space.dimensions[1].position_of(p.at("b")) * n)];
    }
    CHECK(used_a == std::vector<int>(n, 1));
    CHECK(used_b == std::vector<int>(n, 1));
    // Spread within the strata too (uniform: about half in each half).
    CHECK(upper_halves >= 3);
    CHECK(upper_halves <= n - 3);
    // Beyond the budget: a fresh design, still inside the ranges.
    const auto extra = *sampler->propose(n + 3, {});
    CHECK(extra.at("a").get<double>() >= 0.0);
    CHECK(extra.at("a").get<double>() <= 1.0);
  }

  TEST_CASE("random proposals are reproducible per trial and stay in range") {
    const auto space = tunelab::read_search_space(
        {{"trainer.lr", {{"type", "float"}, {"low", 1e-4}, {"high", 1e-1}, {"log", true}}},
         {"model.act_fn", {{"type", "categorical"}, {"choices", {"relu", "gelu"}}}}});
    const auto& factory = tunelab::test::builtins().samplers.factory("random");
    auto a = factory({nlohmann::json::object(), &space, 5});
    auto b = factory({nlohmann::json::object(), &space, 5});
    auto c = factory({nlohmann::json::object(), &space, 6});
    std::set<std::string> seen;
    for (int k = 0; k < 50; ++k) {
      const auto p = *a->propose(k, {});
      CHECK(p == *b->propose(k, {}));
      const double lr = p.at("trainer.lr").get<double>();
      CHECK(lr >= 1e-4);
      CHECK(lr <= 1e-1);
      seen.insert(p.at("model.act_fn").get<std::string>());
    }
    CHECK(seen.size() == 2);
    CHECK(*a->propose(0, {}) != *c->propose(0, {}));
  }
}
