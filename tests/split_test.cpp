#include <doctest/doctest.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "data/split.h"

namespace {

tunelab::Dataset numbered(std::int64_t rows) {
  tunelab::Dataset data;
  data.x = torch::arange(rows, torch::kFloat32).view({rows, 1});
  data.y = 10 * data.x;
  return data;
}

std::vector<float> values(const torch::Tensor& t) {
  const auto flat = t.flatten().contiguous();
  return {flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel()};
}

}  // namespace

TEST_SUITE("splits") {
  TEST_CASE("rows are split by the fractions / disjoint / covering every row / rows kept whole") {
    const auto splits = tunelab::split_dataset(numbered(101), {0.6, 0.2, 0.2}, 3);
    CHECK(splits.train.rows() == 61);
    CHECK(splits.val.rows() == 20);
    CHECK(splits.test.rows() == 20);
    std::vector<float> all;
    for (const auto* part : {&splits.train, &splits.val, &splits.test}) {
      CHECK(torch::equal(part->y, 10 * part->x));
      const auto v = values(part->x);
      all.insert(all.end(), v.begin(), v.end());
    }
    std::sort(all.begin(), all.end());
    CHECK(all == values(torch::arange(101, torch::kFloat32)));
  }

  TEST_CASE("the same seed gives the same split / another seed another") {
    const auto a = tunelab::split_dataset(numbered(50), {0.5, 0.5, 0.0}, 1);
    const auto b = tunelab::split_dataset(numbered(50), {0.5, 0.5, 0.0}, 1);
    const auto c = tunelab::split_dataset(numbered(50), {0.5, 0.5, 0.0}, 2);
    CHECK(torch::equal(a.train.x, b.train.x));
    CHECK_FALSE(torch::equal(a.train.x, c.train.x));
    CHECK(a.test.rows() == 0);
  }

  TEST_CASE("many small classes: each split gets its share of rows, every class trains") {
    // 1,500 classes of 2 rows: rounding class by class gave 0 validation rows.
    tunelab::Dataset data;
    const std::int64_t classes = 1500;
    data.x = torch::arange(2 * classes, torch::kFloat32).view({2 * classes, 1});
    data.y = torch::arange(2 * classes, torch::kInt64)
                 .floor_divide(2)
                 .to(torch::kFloat32)
                 .view({2 * classes, 1});
    for (std::int64_t c = 0; c < classes; ++c) data.classes.push_back(std::to_string(c));
    const auto splits = tunelab::split_dataset(data, {0.6, 0.2, 0.2}, 3);
    CHECK(splits.train.rows() == 1800);
    CHECK(splits.val.rows() == 600);
    CHECK(splits.test.rows() == 600);
    CHECK(std::get<0>(torch::_unique(splits.train.y)).numel() == classes);
    // Two classes of 90 and 10 rows keep their proportions in each split.
    tunelab::Dataset two;
    two.x = torch::arange(100, torch::kFloat32).view({100, 1});
    two.y = (torch::arange(100) >= 90).to(torch::kFloat32).view({100, 1});
    two.classes = {"a", "b"};
    const auto parts = tunelab::split_dataset(two, {0.6, 0.2, 0.2}, 1);
    CHECK(parts.train.y.sum().item<float>() == 6);
    CHECK(parts.val.y.sum().item<float>() == 2);
    CHECK(parts.test.y.sum().item<float>() == 2);
  }

  TEST_CASE("bad fractions and too few rows are refused") {
    CHECK_THROWS_WITH_AS(tunelab::split_dataset(numbered(10), {0.6, 0.3, 0.3}, 0),
                         "fractions must sum to 1, got 0.6 + 0.3 + 0.3 = 1.2",
                         tunelab::ConfigError);
    CHECK_THROWS_WITH_AS(tunelab::split_dataset(numbered(10), {1.2, -0.2, 0.0}, 0),
                         "must be between 0 and 1, got 1.2", tunelab::ConfigError);
    CHECK_THROWS_WITH_AS(tunelab::split_dataset(numbered(3), {0.2, 0.8, 0.0}, 0),
                         "leaves 1 of the data set's 3 rows for training; at least 2 are needed",
                         tunelab::ConfigError);
  }

  TEST_CASE("standardisation is fitted on the training rows only") {
    auto splits = tunelab::split_dataset(numbered(40), {0.5, 0.25, 0.25}, 5);
    const auto train_x = splits.train.x.clone();
    const auto val_x = splits.val.x.clone();
    tunelab::prepare_features(splits, true, false);
    CHECK(splits.train.x.mean().item<double>() == doctest::Approx(0.0).epsilon(1e-6));
    CHECK(splits.train.x.std().item<double>() == doctest::Approx(1.0).epsilon(1e-6));
    const double mean = train_x.mean().item<double>(), sd = train_x.std().item<double>();
    CHECK(torch::allclose(splits.val.x, (val_x - mean) / sd, 1e-5, 1e-5));
    CHECK(torch::equal(splits.train.y, 10 * train_x));  // y untouched
  }

  TEST_CASE("a constant column is centred / not divided by zero") {
    auto data = numbered(10);
    data.x = torch::full({10, 1}, 3.0f);
    auto splits = tunelab::split_dataset(data, {0.8, 0.2, 0.0}, 0);
    tunelab::prepare_features(splits, true, true);
    CHECK(torch::equal(splits.train.x, torch::zeros_like(splits.train.x)));
  }
}
