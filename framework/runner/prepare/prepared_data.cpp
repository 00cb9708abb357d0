#include "runner/prepare/prepared_data.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/derived_seeds.h"
#include "common/fingerprint.h"
#include "plugin/registrar.h"

namespace tunelab {

namespace {

std::string digest_of(const Dataset& data) {
  const auto x = data.x.contiguous(), y = data.y.contiguous();
  const std::string hx = fingerprint(x.data_ptr(), static_cast<std::size_t>(x.nbytes()));
  return fingerprint(y.data_ptr(), static_cast<std::size_t>(y.nbytes()),
                     std::stoull(hx, nullptr, 16));
}

}  // namespace

Dataset load_dataset(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                     const Registrar& registrar) {
  const DatasetFactory& factory =
      registrar.datasets.factory_at("data.dataset", config.data.dataset);
  Dataset data;
  try {
    data = factory(DatasetRequest{config.data.args, derive_seed(config.seed, "data"), base_dir,
                                  config.data.drop_missing_target});
  } catch (const ConfigError& e) {
    throw e.under("data.args");
  }
  settle_task(data, config.task);
  return data;
}

PreparedData prepare_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                          const Registrar& registrar) {
  return prepare_data(config, load_dataset(config, base_dir, registrar));
}

PreparedData prepare_data(const ExperimentConfig& config, const Dataset& dataset) {
  return prepare_splits(
      config, dataset,
      split_dataset(dataset, config.data.split, derive_seed(config.seed, "split")));
}

PreparedData prepare_splits(const ExperimentConfig& config, const Dataset& dataset, Splits raw) {
  PreparedData prepared;
  prepared.digest = digest_of(dataset);
  prepared.splits = raw;
  prepared.raw = std::move(raw);
  prepared.scaling = prepare_features(
      prepared.splits, config.data.standardize_x, config.data.standardize_y, config.data.encoding,
      config.data.log_target,
      FeatureScaling{config.data.scaling == NumericScaling::robust, config.data.smooth_clip_x,
                     config.data.scaling == NumericScaling::quantile, config.data.quantiles});
  prepared.features = prepared.scaling.encoding->width();
  if (config.data.plr) {
    const auto numeric = prepared.scaling.encoding->value_columns();
    if (std::find(numeric.begin(), numeric.end(), true) == numeric.end())
      throw ConfigError("data.numeric_embedding",
                        "plr embeds numeric columns, and this data set has none (every column "
                        "is categorical)");
  }
  prepared.targets = model_outputs(dataset);
  prepared.feature_names = dataset.feature_names;
  prepared.target_names = dataset.target_names;
  prepared.classes = dataset.classes;
  prepared.notes = dataset.notes;
  return prepared;
}

}  // namespace tunelab
