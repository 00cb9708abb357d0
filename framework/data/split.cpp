#include "data/split.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "common/errors.h"

namespace tunelab {
namespace {

Dataset take_rows(const Dataset& data, const torch::Tensor& rows) {
  Dataset out;
  out.x = data.x.index_select(0, rows).contiguous();
  out.y = data.y.index_select(0, rows).contiguous();
  out.feature_names = data.feature_names;
  out.target_names = data.target_names;
  return out;
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
  return Splits{take_rows(data, order.slice(0, 0, n_train)),
                take_rows(data, order.slice(0, n_train, n_train + n_val)),
                take_rows(data, order.slice(0, n_train + n_val, n))};
}

Standardizer Standardizer::fit(const at::Tensor& train) {
  const torch::Tensor mean = train.mean(0, /*keepdim=*/true);
  torch::Tensor scale = train.size(0) > 1 ? train.std(0, /*unbiased=*/true, /*keepdim=*/true)
                                          : torch::ones_like(mean);
  scale = torch::where(scale > 0, scale, torch::ones_like(scale));
  return Standardizer{mean, scale};
}

at::Tensor Standardizer::apply(const at::Tensor& values) const { return (values - mean) / scale; }

at::Tensor Standardizer::invert(const at::Tensor& values) const { return values * scale + mean; }

Scaling standardize(Splits& splits, bool x, bool y) {
  const auto transform = [&](at::Tensor Dataset::*column) {
    const Standardizer s = Standardizer::fit(splits.train.*column);
    for (Dataset* part : {&splits.train, &splits.val, &splits.test})
      part->*column = s.apply(part->*column).contiguous();
    return s;
  };
  Scaling scaling;
  if (x) scaling.x = transform(&Dataset::x);
  if (y) scaling.y = transform(&Dataset::y);
  return scaling;
}

}  // namespace tunelab
