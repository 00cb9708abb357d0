// scikit-learn's make_regression, with the same meaning of its options: X is
// standard normal, the target a random linear combination of n_informative of
// the features (weights uniform in [0, 100)), plus bias and Gaussian noise;
// rows and feature columns are shuffled. Same seed, same data; the numbers
// differ from sklearn's, whose generator is NumPy's.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

const OptionSpecs kMakeRegressionOptions{
    {"n_samples", OptionType::integer, 100, "rows", OptionCheck::at_least(1)},
    {"n_features", OptionType::integer, 100, "input columns", OptionCheck::at_least(1)},
    {"n_informative", OptionType::integer, 10, "input columns the targets depend on",
     OptionCheck::at_least(0)},
    {"n_targets", OptionType::integer, 1, "target columns", OptionCheck::at_least(1)},
    {"noise", OptionType::number, 0.0, "standard deviation of the Gaussian noise on the targets",
     OptionCheck::non_negative()},
    {"bias", OptionType::number, 0.0, "added to every target"},
    {"shuffle", OptionType::boolean, true, "shuffle the rows and the columns"},
    {"seed", OptionType::integer, nullptr, "pins the data (default: from the experiment's seed)"}};

Dataset make_regression(const DatasetRequest& request) {
  const Args args = kMakeRegressionOptions.read(request.args);
  const auto n_samples = args.integer("n_samples");
  const auto n_features = args.integer("n_features");
  const auto n_targets = args.integer("n_targets");
  const auto n_informative = std::min(args.integer("n_informative"), n_features);
  const double noise = args.number("noise");
  const double bias = args.number("bias");
  // `seed` pins the data while the experiment's seed varies everything else.
  const auto seed = static_cast<std::uint64_t>(
      args.integer("seed", static_cast<std::int64_t>(request.seed & 0x7fffffffffffffffULL)));

  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  torch::Tensor x = torch::randn({n_samples, n_features}, gen, f64);
  torch::Tensor weights = torch::zeros({n_features, n_targets}, f64);
  weights.slice(0, 0, n_informative)
      .copy_(100.0 * torch::rand({n_informative, n_targets}, gen, f64));
  torch::Tensor y = x.matmul(weights) + bias;
  if (noise > 0) y += noise * torch::randn(y.sizes(), gen, f64);
  if (args.boolean("shuffle", true)) {
    const torch::Tensor rows = torch::randperm(n_samples, gen);
    x = x.index_select(0, rows);
    y = y.index_select(0, rows);
    x = x.index_select(1, torch::randperm(n_features, gen));
  }

  Dataset data;
  data.x = x.to(torch::kFloat32).contiguous();
  data.y = y.to(torch::kFloat32).contiguous();
  for (std::int64_t j = 0; j < n_features; ++j)
    data.feature_names.push_back("x" + std::to_string(j));
  for (std::int64_t j = 0; j < n_targets; ++j) data.target_names.push_back("y" + std::to_string(j));
  return data;
}

}  // namespace

void register_make_regression_dataset(Registrar& registrar) {
  registrar.datasets.add("make_regression",
                         "random linear regression problem, sklearn's make_regression",
                         kMakeRegressionOptions, make_regression);
}

}  // namespace tunelab
