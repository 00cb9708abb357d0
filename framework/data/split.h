#pragma once
// Seeded train/validation/test splits and standardisation fitted on the
// training rows only.

#include <cstdint>
#include <optional>

#include <ATen/core/Tensor.h>

#include "data/dataset.h"

namespace tunelab {

struct SplitFractions {
  double train = 0.6;
  double val = 0.2;
  double test = 0.2;
};

struct Splits {
  Dataset train;
  Dataset val;   // may have zero rows
  Dataset test;  // may have zero rows
};

// Rows are shuffled with `seed`; counts are rounded so that they add up to the
// number of rows. Throws ConfigError("data.split", ...) for fractions that are
// negative or do not sum to 1, and for a training split of fewer than 2 rows.
Splits split_dataset(const Dataset& data, const SplitFractions& fractions, std::uint64_t seed);

// Each fraction in [0, 1], summing to 1; ConfigError keyed relative to the
// split section ("val", or "" for the sum).
void check_split(const SplitFractions& fractions);

// Per-column mean and standard deviation of the training rows (constant
// columns get a scale of 1), applied to every split.
struct Standardizer {
  at::Tensor mean;
  at::Tensor scale;

  static Standardizer fit(const at::Tensor& train);
  at::Tensor apply(const at::Tensor& values) const;
  at::Tensor invert(const at::Tensor& values) const;
};

// The scaling fitted on the training rows; absent where none was asked for.
// Predictions apply it to new rows (and invert it on the outputs).
struct Scaling {
  std::optional<Standardizer> x, y;
};

Scaling standardize(Splits& splits, bool x, bool y);

}  // namespace tunelab
