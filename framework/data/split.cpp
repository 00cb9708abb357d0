#include "data/split.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace tunelab {
namespace {

Dataset take_rows(const Dataset& data, const torch::Tensor& rows) {
  Dataset out;
  out.x = data.x.index_select(0, rows).contiguous();
  out.y = data.y.index_select(0, rows).contiguous();
  out.feature_names = data.feature_names;
  out.target_names = data.target_names;
  out.columns = data.columns;
  out.classes = data.classes;
  return out;
}

// `total` shared out over groups of `sizes` in proportion, each share at
// most its group's size, the rounding left over going to the largest
// remainders (the earlier group on a tie): the shares add up to `total`
// exactly, so many small classes cannot round a split down to nothing.
std::vector<std::size_t> proportional_shares(const std::vector<std::size_t>& sizes,
                                             std::size_t total) {
  std::size_t all = 0;
  for (const auto n : sizes) all += n;
  std::vector<std::size_t> shares(sizes.size(), 0);
  if (all == 0) return shares;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t given = 0;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const double exact =
        static_cast<double>(sizes[c]) * static_cast<double>(total) / static_cast<double>(all);
    shares[c] = std::min(sizes[c], static_cast<std::size_t>(std::floor(exact)));
    given += shares[c];
    remainders.emplace_back(exact - static_cast<double>(shares[c]), c);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < total && i < remainders.size(); ++i) {
    const std::size_t c = remainders[i].second;
    if (shares[c] < sizes[c]) ++shares[c], ++given;
  }
  return shares;
}

// Which split each row of a classification data set goes to (0 train, 1
// val, 2 test): as many rows to each split as an unstratified split of the
// same fractions gets, shared out over the classes in proportion to their
// rows; each class's rows, taken in `order`, fill its shares in turn.
std::vector<int> stratified_split(const Dataset& data, const torch::Tensor& order,
                                  std::size_t n_train, std::size_t n_val) {
  const std::int64_t n = data.rows();
  std::vector<int> split(static_cast<std::size_t>(n), 2);
  const auto o = order.accessor<std::int64_t, 1>();
  const auto y = data.y.accessor<float, 2>();
  std::vector<std::vector<std::int64_t>> rows(data.classes.size());
  for (std::int64_t i = 0; i < n; ++i) rows[static_cast<std::size_t>(y[o[i]][0])].push_back(o[i]);
  std::vector<std::size_t> sizes;
  for (const auto& r : rows) sizes.push_back(r.size());
  // Every class trains on at least one row, where the training rows go
  // round; the rest are shared in proportion.
  std::vector<std::size_t> train(sizes.size(), 0), beyond_first;
  std::size_t firsts = 0;
  for (const auto size : sizes) firsts += size > 0 ? 1 : 0;
  const bool one_each = firsts <= n_train;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    train[c] = one_each && sizes[c] > 0 ? 1 : 0;
    beyond_first.push_back(sizes[c] - train[c]);
  }
  const std::vector<std::size_t> more =
      proportional_shares(beyond_first, n_train - (one_each ? firsts : 0));
  for (std::size_t c = 0; c < sizes.size(); ++c) train[c] += more[c];
  std::vector<std::size_t> left;
  for (std::size_t c = 0; c < sizes.size(); ++c) left.push_back(sizes[c] - train[c]);
  const std::vector<std::size_t> val = proportional_shares(left, n_val);
  for (std::size_t c = 0; c < rows.size(); ++c)
    for (std::size_t i = 0; i < train[c] + val[c]; ++i)
      split[static_cast<std::size_t>(rows[c][i])] = i < train[c] ? 0 : 1;
  return split;
}

// The rows of `order` whose split is `which`, in that order.
torch::Tensor rows_in(const torch::Tensor& order, const std::vector<int>& split, int which) {
  std::vector<std::int64_t> rows;
  const auto o = order.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < order.size(0); ++i)
    if (split[static_cast<std::size_t>(o[i])] == which) rows.push_back(o[i]);
  return torch::tensor(rows, torch::kInt64);
}

}  // namespace

void check_split(const SplitFractions& f) {
  for (const auto& [name, value] : {std::pair{"train", f.train}, {"val", f.val}, {"test", f.test}})
    if (!(value >= 0 && value <= 1))
      throw ConfigError(name, fmt::format("must be between 0 and 1, got {}", value));
  if (std::fabs(f.train + f.val + f.test - 1.0) > 1e-9)
    throw ConfigError("", fmt::format("fractions must sum to 1, got {} + {} + {} = {}", f.train,
                                      f.val, f.test, f.train + f.val + f.test));
}

Splits split_dataset(const Dataset& data, const SplitFractions& f, std::uint64_t seed) {
  try {
    check_split(f);
  } catch (const ConfigError& e) {
    throw e.under("data.split");
  }
  const std::int64_t n = data.rows();
  const auto n_train = static_cast<std::int64_t>(std::llround(f.train * static_cast<double>(n)));
  const auto n_val = std::min(
      n - n_train, static_cast<std::int64_t>(std::llround(f.val * static_cast<double>(n))));
  if (n_train < 2)
    throw ConfigError("data.split.train",
                      fmt::format("leaves {} of the data set's {} rows for training; at least 2 "
                                  "are needed",
                                  n_train, n));

  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor order = torch::randperm(n, gen);
  if (!data.is_classification())
    return Splits{take_rows(data, order.slice(0, 0, n_train)),
                  take_rows(data, order.slice(0, n_train, n_train + n_val)),
                  take_rows(data, order.slice(0, n_train + n_val, n))};
  const std::vector<int> split = stratified_split(data, order, static_cast<std::size_t>(n_train),
                                                  static_cast<std::size_t>(n_val));
  return Splits{take_rows(data, rows_in(order, split, 0)),
                take_rows(data, rows_in(order, split, 1)),
                take_rows(data, rows_in(order, split, 2))};
}

namespace {

// A (1, width) mask of the `columns` flagged; of every column where
// `columns` is empty.
at::Tensor column_mask(const std::vector<bool>& columns, std::int64_t width) {
  std::vector<std::uint8_t> keep(columns.begin(), columns.end());
  if (keep.empty()) keep.assign(static_cast<std::size_t>(width), 1);
  return torch::tensor(keep, torch::kUInt8).to(torch::kBool).reshape({1, -1});
}

// `s` on the `scaled` columns only (all where empty): the others keep their
// values, a centre of 0 and a scale of 1.
Standardizer on_columns(Standardizer s, const std::vector<bool>& scaled) {
  if (scaled.empty()) return s;
  const at::Tensor mask = column_mask(scaled, s.mean.size(1));
  s.mean = torch::where(mask, s.mean, torch::zeros_like(s.mean));
  s.scale = torch::where(mask, s.scale, torch::ones_like(s.scale));
  return s;
}

}  // namespace

Standardizer Standardizer::fit(const at::Tensor& train, const std::vector<bool>& scaled) {
  torch::Tensor mean = train.mean(0, /*keepdim=*/true);
  torch::Tensor scale = train.size(0) > 1 ? train.std(0, /*unbiased=*/true, /*keepdim=*/true)
                                          : torch::ones_like(mean);
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  return on_columns(Standardizer{mean, scale}, scaled);
}

Standardizer Standardizer::fit_log(const at::Tensor& train, bool standardize) {
  Standardizer s =
      standardize ? fit(train.log())
                  : Standardizer{torch::zeros({1, train.size(1)}), torch::ones({1, train.size(1)})};
  s.log = true;
  return s;
}

Standardizer Standardizer::fit_robust(const at::Tensor& train, const std::vector<bool>& scaled) {
  if (train.size(0) < 2) return fit(train, scaled);
  const at::Tensor q = torch::quantile(train, torch::tensor({0.25, 0.5, 0.75}, train.options()), 0,
                                       /*keepdim=*/false);
  const at::Tensor iqr = ((q[2] - q[0]) / 1.349).reshape({1, -1});
  // The standard deviation where the quartiles meet.
  const at::Tensor spread = torch::where(iqr > 0, iqr, fit(train).scale);
  return on_columns(Standardizer{q[1].reshape({1, -1}), spread}, scaled);
}

Standardizer Standardizer::fit_quantile(const at::Tensor& train, const std::vector<bool>& scaled,
                                        int count) {
  Standardizer s{torch::zeros({1, train.size(1)}, train.options()),
                 torch::ones({1, train.size(1)}, train.options())};
  s.quantiles = torch::quantile(train, torch::linspace(0, 1, count, train.options()), 0,
                                /*keepdim=*/false);
  s.quantile_columns = column_mask(scaled, train.size(1));
  return s;
}

namespace {

// `values` (rows, columns) through each column's quantiles (quantiles,
// columns) onto a standard normal: the value's position among the
// quantiles, linearly interpolated (on a run of equal quantiles, a value
// many rows share, the run's middle), as a probability kept 1e-7 from 0 and
// 1, then the normal's quantile function. Beyond the training range: the
// ends, about -5.2 and 5.2.
at::Tensor normal_scores(const at::Tensor& values, const at::Tensor& quantiles) {
  const at::Tensor q = quantiles.t().contiguous();  // (columns, quantiles)
  const at::Tensor v = values.t().contiguous();     // (columns, rows)
  const std::int64_t count = q.size(1);
  const at::Tensor first = torch::searchsorted(q, v, /*out_int32=*/false, /*right=*/false);
  const at::Tensor after = torch::searchsorted(q, v, /*out_int32=*/false, /*right=*/true);
  const at::Tensor right = first.clamp(1, count - 1), left = right - 1;
  const at::Tensor low = q.gather(1, left), gap = q.gather(1, right) - low;
  at::Tensor position = left.to(v.scalar_type()) +
                        torch::where(gap > 0, (v - low) / gap, torch::zeros_like(v)).clamp(0, 1);
  position = torch::where(after > first, (first + after - 1).to(v.scalar_type()) / 2, position);
  // In double: float32 cannot tell 1 - 1e-7 from its neighbours.
  const at::Tensor p =
      (position.to(torch::kDouble) / static_cast<double>(count - 1)).clamp(1e-7, 1 - 1e-7);
  return (std::sqrt(2.0) * torch::erfinv(2 * p - 1)).to(v.scalar_type()).t();
}

}  // namespace

at::Tensor Standardizer::apply(const at::Tensor& values) const {
  const at::Tensor mapped =
      quantiles.defined() && values.size(0) > 0
          ? torch::where(quantile_columns, normal_scores(values, quantiles), values)
          : values;
  const at::Tensor z = ((log ? mapped.log() : mapped) - mean) / scale;
  if (!clip.defined()) return z;
  return torch::where(clip, z / torch::sqrt(1 + (z / 3).square()), z);
}

at::Tensor Standardizer::invert(const at::Tensor& values) const {
  const at::Tensor out = values * scale + mean;
  return log ? out.exp() : out;
}

at::Tensor Scaling::features(const at::Tensor& raw,
                             const std::vector<FeatureColumn>& columns) const {
  const at::Tensor encoded = encoding ? encoding->apply(raw, columns) : raw;
  return x ? x->apply(encoded) : encoded;
}

Scaling prepare_features(Splits& splits, bool standardize_x, bool standardize_y,
                         CategoricalEncoding categorical, bool log_y, FeatureScaling how) {
  Scaling scaling;
  scaling.encoding = FeatureEncoding::fit(splits.train, categorical);
  const std::vector<FeatureColumn> columns = splits.train.feature_columns();
  for (Dataset* part : {&splits.train, &splits.val, &splits.test}) {
    part->x = scaling.encoding->apply(part->x, columns);
    // The model reads numbers now; the raw columns' description stays with
    // the encoding.
    part->columns.clear();
  }
  const auto transform = [&](at::Tensor Dataset::*column, const std::vector<bool>& scaled) {
    const Standardizer s = Standardizer::fit(splits.train.*column, scaled);
    for (Dataset* part : {&splits.train, &splits.val, &splits.test})
      part->*column = s.apply(part->*column).contiguous();
    return s;
  };
  if (standardize_x) {
    const std::vector<bool> numeric = scaling.encoding->value_columns();
    const std::int64_t rows = splits.train.rows();
    if (how.quantile && how.quantiles > rows)
      throw ConfigError("data.quantiles",
                        fmt::format("is {}, more than the {} training rows: each quantile needs a "
                                    "row (leave quantiles out for as many as there are rows)",
                                    how.quantiles, rows));
    Standardizer s =
        how.quantile ? Standardizer::fit_quantile(
                           splits.train.x, numeric,
                           how.quantiles > 0 ? how.quantiles
                                             : static_cast<int>(std::min<std::int64_t>(1000, rows)))
        : how.robust ? Standardizer::fit_robust(splits.train.x, numeric)
                     : Standardizer::fit(splits.train.x, numeric);
    if (how.smooth_clip) s.clip = column_mask(numeric, splits.train.x.size(1));
    for (Dataset* part : {&splits.train, &splits.val, &splits.test})
      part->x = s.apply(part->x).contiguous();
    scaling.x = s;
  }
  if (log_y && !splits.train.is_classification()) {
    for (const auto& [name, part] :
         {std::pair{"training", &splits.train}, std::pair{"validation", &splits.val},
          std::pair{"test", &splits.test}})
      if (part->rows() > 0 && !(part->y > 0).all().item<bool>())
        throw ConfigError("data.target_transform",
                          fmt::format("log needs a target above 0; the {} rows hold {:g}", name,
                                      part->y.min().item<double>()));
    scaling.y = Standardizer::fit_log(splits.train.y, standardize_y);
    for (Dataset* part : {&splits.train, &splits.val, &splits.test})
      part->y = scaling.y->apply(part->y).contiguous();
  } else if (standardize_y && !splits.train.is_classification()) {
    scaling.y = transform(&Dataset::y, {});
  }
  return scaling;
}

}  // namespace tunelab
