// fANOVA parameter importance: known functions give known rankings.

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "analysis/forest.h"
#include "analysis/importance.h"
#include "search/space.h"

namespace {

tunelab::SearchSpace space_of(const nlohmann::json& yaml_like) {
  return tunelab::read_search_space(yaml_like);
}

}  // namespace

TEST_SUITE("importance") {
  TEST_CASE("a value that depends on one param puts nearly all importance on it") {
    const auto space = space_of({{"a", {{"type", "float"}, {"low", 0.0}, {"high", 1.0}}},
                                 {"b", {{"type", "float"}, {"low", 0.0}, {"high", 1.0}}},
                                 {"c", {{"type", "categorical"}, {"choices", {"x", "y", "z"}}}}});
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<tunelab::ScoredParams> trials;
    const std::vector<std::string> choices = {"x", "y", "z"};
    for (int i = 0; i < 60; ++i) {
      const double a = u(rng), b = u(rng);
      trials.push_back(
          {{{"a", a}, {"b", b}, {"c", choices[static_cast<std::size_t>(i % 3)]}}, std::sin(6 * b)});
    }
    const auto importance = tunelab::param_importance(space, trials, 1);
    REQUIRE(importance.size() == 3);
    CHECK(importance[0].path == "b");
    CHECK(importance[0].importance > 0.9);
    double sum = 0;
    for (const auto& p : importance) sum += p.importance;
    CHECK(sum == doctest::Approx(1.0));
  }

  TEST_CASE("a categorical choice that decides the value ranks first") {
    const auto space =
        space_of({{"lr", {{"type", "float"}, {"low", 1e-4}, {"high", 1e-1}, {"log", true}}},
                  {"block", {{"type", "categorical"}, {"choices", {"A", "B"}}}}});
    std::vector<tunelab::ScoredParams> trials;
    for (int i = 0; i < 40; ++i) {
      const double lr = 1e-4 * std::pow(1000.0, i / 39.0);
      const std::string block = i % 2 ? "A" : "B";
      trials.push_back({{{"lr", lr}, {"block", block}}, (block == "A" ? 5.0 : 1.0) + 0.1 * lr});
    }
    const auto importance = tunelab::param_importance(space, trials);
    CHECK(importance[0].path == "block");
    CHECK(importance[0].importance > 0.95);
  }

  TEST_CASE("too few trials, or one value everywhere, gives zeros, not noise") {
    const auto space = space_of({{"a", {{"type", "float"}, {"low", 0.0}, {"high", 1.0}}}});
    CHECK(tunelab::param_importance(space, {{{{"a", 0.5}}, 1.0}})[0].importance == 0.0);
    CHECK(tunelab::param_importance(space, {{{{"a", 0.1}}, 2.0}, {{{"a", 0.9}}, 2.0}})[0]
              .importance == 0.0);
  }

  TEST_CASE("a regression tree's leaves partition the unit cube and predict the data") {
    const std::vector<std::vector<double>> x = {{0.1, 0.2}, {0.4, 0.9}, {0.8, 0.3}, {0.9, 0.7}};
    const std::vector<double> y = {1, 2, 3, 4};
    tunelab::ForestOptions options;
    options.trees = 1;
    const auto forest = tunelab::fit_forest(x, y, options);
    double volume = 0;
    for (const auto& leaf : forest[0].leaves(2))
      volume += (leaf.high[0] - leaf.low[0]) * (leaf.high[1] - leaf.low[1]);
    CHECK(volume == doctest::Approx(1.0));
  }
}
