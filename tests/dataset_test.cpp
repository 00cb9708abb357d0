#include <doctest/doctest.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "support.h"

namespace {

tunelab::Dataset load(const std::string& name, const nlohmann::json& args, std::uint64_t seed = 7,
                      const std::filesystem::path& base = {}) {
  return tunelab::test::builtins().datasets.factory(name)(
      tunelab::DatasetRequest{args, seed, base});
}

}  // namespace

TEST_SUITE("datasets") {
  TEST_CASE("make_regression follows sklearn's options") {
    const auto data =
        load("make_regression",
             {{"n_samples", 200}, {"n_features", 12}, {"n_informative", 3}, {"bias", 5.0}});
    CHECK(data.rows() == 200);
    CHECK(data.features() == 12);
    CHECK(data.targets() == 1);
    CHECK(data.x.dtype() == torch::kFloat32);
    // Without noise, y is exactly bias + X w with 3 non-zero weights in [0, 100).
    const auto x =
        torch::cat({data.x.to(torch::kFloat64), torch::ones({200, 1}, torch::kFloat64)}, 1);
    const auto solution = std::get<0>(torch::linalg_lstsq(x, data.y.to(torch::kFloat64)));
    const auto w = solution.slice(0, 0, 12).flatten();
    CHECK((w.abs() > 1e-3).sum().item<int>() == 3);
    CHECK(w.max().item<double>() < 100.0);
    CHECK(w.min().item<double>() > -1e-3);
    CHECK(solution[12].item<double>() == doctest::Approx(5.0).epsilon(1e-4));
  }

  TEST_CASE("make_regression noise is the residual's standard deviation") {
    const auto data =
        load("make_regression", {{"n_samples", 4000}, {"n_features", 5}, {"noise", 2.0}});
    const auto x = data.x.to(torch::kFloat64);
    const auto w = std::get<0>(torch::linalg_lstsq(x, data.y.to(torch::kFloat64)));
    const double residual_std = (data.y.to(torch::kFloat64) - x.matmul(w)).std().item<double>();
    CHECK(residual_std == doctest::Approx(2.0).epsilon(0.05));
  }

  TEST_CASE("make_regression: same seed same data / other seed other data / args.seed pins it") {
    const nlohmann::json args = {{"n_samples", 30}, {"n_features", 4}, {"noise", 0.1}};
    CHECK(torch::equal(load("make_regression", args, 1).x, load("make_regression", args, 1).x));
    CHECK_FALSE(
        torch::equal(load("make_regression", args, 1).y, load("make_regression", args, 2).y));
    nlohmann::json pinned = args;
    pinned["seed"] = 11;
    CHECK(torch::equal(load("make_regression", pinned, 1).y, load("make_regression", pinned, 2).y));
  }

  TEST_CASE("make_regression rejects bad options with the key") {
    CHECK_THROWS_WITH_AS(load("make_regression", {{"n_samples", 0}}), "must be at least 1, got 0",
                         tunelab::ConfigError);
    CHECK_THROWS_WITH_AS(load("make_regression", {{"noise", -1}}), "must not be negative",
                         tunelab::ConfigError);
    CHECK_THROWS_AS(load("make_regression", {{"n_sample", 10}}), tunelab::ConfigError);
  }

  TEST_CASE("diabetes is sklearn's 442 x 10 table") {
    const auto data = load("diabetes", nullptr);
    CHECK(data.rows() == 442);
    CHECK(data.features() == 10);
    CHECK(data.feature_names.front() == "age");
    CHECK(data.target_names == std::vector<std::string>{"target"});
    CHECK(data.x[0][0].item<float>() == 59.0f);
    CHECK(data.y[0][0].item<float>() == 151.0f);
    CHECK(data.y.mean().item<double>() == doctest::Approx(152.133).epsilon(1e-4));
  }

  TEST_CASE("csv picks the target and feature columns / relative to the experiment's folder") {
    tunelab::test::ScratchDir dir;
    dir.write("t.csv", "a,b,c\n1,2,3\n4,5,6\n");
    const auto data =
        load("csv", {{"path", "t.csv"}, {"target", "a"}, {"features", {"c"}}}, 0, dir.path());
    CHECK(data.feature_names == std::vector<std::string>{"c"});
    CHECK(data.x[1][0].item<float>() == 6.0f);
    CHECK(data.y[1][0].item<float>() == 4.0f);
    const auto by_default = load("csv", {{"path", (dir.path() / "t.csv").string()}});
    CHECK(by_default.target_names == std::vector<std::string>{"c"});
    CHECK(by_default.features() == 2);
  }

  TEST_CASE("csv names an unknown target or feature column with the near match") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("t.csv", "age,target\n1,2\n3,4\n");
    try {
      load("csv", {{"path", file.string()}, {"target", "targt"}});
      FAIL("no error");
    } catch (const tunelab::ConfigError& e) {
      CHECK(e.key() == "target");
      CHECK(std::string(e.what()) ==
            file.string() + ": unknown column 'targt' (did you mean 'target'?)");
    }
    CHECK_THROWS_WITH_AS(load("csv", {{"path", file.string()}, {"features", {"target"}}}),
                         "'target' is the target column", tunelab::ConfigError);
  }
}
