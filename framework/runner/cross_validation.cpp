#include "runner/cross_validation.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "plugin/registrar.h"
#include "train/loss.h"
#include "train/seeding.h"

namespace tunelab {
namespace {

Dataset rows_of(const Dataset& data, const torch::Tensor& index) {
  return Dataset{data.x.index_select(0, index), data.y.index_select(0, index), data.feature_names,
                 data.target_names};
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  int count = 0;
  for (double v : values)
    if (!std::isnan(v)) sum += v, ++count;
  return count ? sum / count : std::nan("");
}

// The loss of the mean of the models' predictions on the whole split's test
// rows, in its units.
double ensemble_test_loss(const ExperimentConfig& config, const PreparedData& whole,
                          const TrainedModels& models, const Registrar& registrar) {
  const Dataset& test = whole.splits.test;
  if (test.rows() == 0) return kNoValue;
  const Scaling& units = whole.scaling;
  const torch::Tensor x = units.x ? units.x->invert(test.x) : test.x;
  torch::Tensor predicted = predict_in_target_units(models, x);
  if (units.y) predicted = units.y->apply(predicted);
  const LossFunction loss = registrar.losses.factory(config.trainer.loss)(config.trainer.loss_args);
  c10::InferenceMode inference;
  return loss(predicted, test.y).item<double>();
}

}  // namespace

Folds fold_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                const Registrar& registrar) {
  const int k = config.data.folds;
  const Dataset dataset = load_dataset(config, base_dir, registrar);
  Folds out;
  out.whole = prepare_data(config, dataset);
  const PreparedData& whole = out.whole;
  // The split's train and val rows, unscaled, in their shuffled order.
  const Splits s = split_dataset(dataset, config.data.split, derive_seed(config.seed, "split"));
  const Dataset pooled{torch::cat({s.train.x, s.val.x}), torch::cat({s.train.y, s.val.y}),
                       dataset.feature_names, dataset.target_names};
  const std::int64_t n = pooled.rows();
  if (n < 2 * k)
    throw ConfigError("data.folds",
                      fmt::format("{} folds need at least {} training and validation rows; the "
                                  "split has {}",
                                  k, 2 * k, n));
  for (int f = 0; f < k; ++f) {
    const std::int64_t begin = n * f / k, end = n * (f + 1) / k;
    const torch::Tensor all = torch::arange(n);
    const torch::Tensor held_out = (all >= begin).logical_and(all < end);
    PreparedData fold = whole;
    fold.splits.train = rows_of(pooled, all.masked_select(held_out.logical_not()));
    fold.splits.val = rows_of(pooled, all.masked_select(held_out));
    fold.splits.test = s.test;
    fold.scaling = standardize(fold.splits, config.data.standardize_x, config.data.standardize_y);
    out.folds.push_back(std::move(fold));
  }
  return out;
}

CrossValidation cross_validate(const ExperimentConfig& config, const Folds& folds,
                               const Registrar& registrar, std::uint64_t seed,
                               const EpochCallback& on_epoch) {
  CrossValidation cv;
  std::vector<TrainResult> results;
  for (std::size_t f = 0; f < folds.folds.size(); ++f) {
    const PreparedData& fold = folds.folds[f];
    RunSummary run =
        train_trial(config, fold, registrar, seed, f == 0 ? on_epoch : EpochCallback{});
    results.push_back(run.result);
    if (f == 0) {
      cv.first_fold = run;
      if (run.result.stopped_by_caller) break;  // pruned or interrupted: no other fold
    }
    cv.models.members.push_back(TrainedModel{run.model, fold.scaling});
  }
  cv.models.units = folds.whole.scaling;
  TrainResult& mean = cv.mean;
  mean.best_epoch = results.front().best_epoch;
  mean.stopped_early = results.front().stopped_early;
  mean.stopped_by_caller = results.front().stopped_by_caller;
  std::vector<double> val, test;
  std::size_t epochs = 0;
  for (const auto& r : results) {
    val.push_back(r.best_val_loss);
    test.push_back(r.test_loss);
    epochs = std::max(epochs, r.epochs.size());
  }
  mean.best_val_loss = mean_of(val);
  mean.test_loss = cv.models.members.empty()
                       ? mean_of(test)
                       : ensemble_test_loss(config, folds.whole, cv.models, registrar);
  for (std::size_t e = 0; e < epochs; ++e) {
    std::vector<double> train_losses, val_losses, seconds;
    EpochRecord record;
    record.epoch = static_cast<int>(e + 1);
    for (const auto& r : results) {
      if (e >= r.epochs.size()) continue;
      train_losses.push_back(r.epochs[e].train_loss);
      val_losses.push_back(r.epochs[e].val_loss);
      seconds.push_back(r.epochs[e].seconds);
      record.lr = r.epochs[e].lr;
    }
    record.train_loss = mean_of(train_losses);
    record.val_loss = mean_of(val_losses);
    record.seconds = mean_of(seconds) * static_cast<double>(seconds.size());
    mean.epochs.push_back(record);
  }
  return cv;
}

}  // namespace tunelab
