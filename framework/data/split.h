#pragma once
// Seeded train/validation/test splits (stratified by class for
// classification), and the encoding and standardisation fitted on the
// training rows only.

#include <cstdint>
#include <optional>

#include <ATen/core/Tensor.h>

#include "data/dataset.h"
#include "data/feature_encoding.h"

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

// Rows are shuffled with `seed`; each split gets its fraction of the rows,
// rounded; for classification each split's rows are shared out over the
// classes in the data set's proportions (largest remainders). Throws ConfigError("data.split", ...)
// for fractions that are negative or do not sum to 1, and for a training split of fewer than 2
// rows.
Splits split_dataset(const Dataset& data, const SplitFractions& fractions, std::uint64_t seed);

// Each fraction in [0, 1], summing to 1; ConfigError keyed relative to the
// split section ("val", or "" for the sum).
void check_split(const SplitFractions& fractions);

// Per-column mean and standard deviation of the training rows (constant
// columns get a scale of 1), applied to every split.
struct Standardizer {
  at::Tensor mean;
  at::Tensor scale;
  // data.target_transform: log. The natural log is taken first (and
  // inverted last): mean and scale are of the logs.
  bool log = false;
  // data.smooth_clip: the columns (1) whose scaled values are then squashed
  // smoothly into (-3, 3), z / sqrt(1 + (z / 3)^2) (RealMLP, Holzmueller
  // et al. 2024); undefined: none.
  at::Tensor clip;
  // data.scaling: quantile. Each column's training quantiles (quantiles,
  // columns) at evenly spaced probabilities, and the columns (1, columns)
  // mapped through them onto a standard normal distribution, as
  // scikit-learn's QuantileTransformer(output_distribution="normal") does;
  // undefined: none. The other columns keep their values.
  at::Tensor quantiles, quantile_columns;

  // `scaled`, where given, says which columns to scale (the others get a
  // mean of 0 and a scale of 1).
  static Standardizer fit(const at::Tensor& train, const std::vector<bool>& scaled = {});
  // The log of positive values, standardised (`standardize`) or not.
  static Standardizer fit_log(const at::Tensor& train, bool standardize);
  // data.scaling: robust. Centred on each column's median and scaled by
  // its interquartile range / 1.349 (the standard deviation of a normal
  // column; its standard deviation where the quartiles meet), so that a few
  // far values do not squeeze the rest.
  static Standardizer fit_robust(const at::Tensor& train, const std::vector<bool>& scaled = {});
  // data.scaling: quantile, with `count` quantiles (at least 2, at most the
  // training rows).
  static Standardizer fit_quantile(const at::Tensor& train, const std::vector<bool>& scaled,
                                   int count);
  at::Tensor apply(const at::Tensor& values) const;
  at::Tensor invert(const at::Tensor& values) const;
};

// What is fitted on the training rows: the features' encoding, and the
// scaling where it was asked for. Predictions apply them to new rows (and
// invert y's on the outputs).
struct Scaling {
  std::optional<FeatureEncoding> encoding;  // absent in weights files from before encodings
  std::optional<Standardizer> x, y;

  // Raw feature values (codes into `columns`' levels) as the model reads them.
  at::Tensor features(const at::Tensor& raw, const std::vector<FeatureColumn>& columns) const;
};

// How the numeric feature columns are scaled when standardize.x is on.
struct FeatureScaling {
  bool robust = false;       // data.scaling: robust (else standard)
  bool smooth_clip = false;  // data.smooth_clip
  bool quantile = false;     // data.scaling: quantile
  int quantiles = 0;         // data.quantiles; 0: 1000, or the training rows if fewer
};

// Encodes the splits' raw features with an encoding fitted on the training
// rows, then standardises x (numeric columns, as `how` says) and y
// (regression only) where asked; `log_y` takes y's log first (ConfigError
// "data.target_transform" where a target is not above 0). ConfigError
// "data.quantiles" for more quantiles than training rows.
Scaling prepare_features(Splits& splits, bool standardize_x, bool standardize_y,
                         CategoricalEncoding categorical = CategoricalEncoding::onehot,
                         bool log_y = false, FeatureScaling how = {});

}  // namespace tunelab
