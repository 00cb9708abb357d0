#include "runner/trial/cross_validation.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "common/cores.h"
#include "common/derived_seeds.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"
#include "runner/study/interrupt.h"
#include "train/device.h"
#include "train/loss.h"
#include "train/metrics.h"

namespace tunelab {
namespace {

Dataset rows_of(const Dataset& data, const torch::Tensor& index) {
  Dataset out = data;
  out.x = data.x.index_select(0, index);
  out.y = data.y.index_select(0, index);
  return out;
}

// The fold each row is held out in. Regression: k runs of consecutive rows
// (the rows are shuffled already). Classification: each class dealt over
// the folds in turn, continuing where the previous class ended, so that
// every fold holds the classes in proportion.
std::vector<int> assign_folds(const Dataset& pooled, int k) {
  const std::int64_t n = pooled.rows();
  std::vector<int> fold(static_cast<std::size_t>(n));
  if (!pooled.is_classification()) {
    for (int f = 0; f < k; ++f)
      for (std::int64_t i = n * f / k; i < n * (f + 1) / k; ++i)
        fold[static_cast<std::size_t>(i)] = f;
    return fold;
  }
  const auto y = pooled.y.accessor<float, 2>();
  std::size_t dealt = 0;
  for (std::size_t c = 0; c < pooled.classes.size(); ++c)
    for (std::int64_t i = 0; i < n; ++i)
      if (static_cast<std::size_t>(y[i][0]) == c)
        fold[static_cast<std::size_t>(i)] = static_cast<int>(dealt++ % static_cast<std::size_t>(k));
  return fold;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  int count = 0;
  for (double v : values)
    if (!std::isnan(v)) sum += v, ++count;
  return count ? sum / count : std::nan("");
}

// The state of LibTorch's global CPU generator, which seeds models and
// which a plugin's dropout would draw from while training.
torch::Tensor global_generator_state() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

// Trains the prepared runs side by side, one thread per core that
// LibTorch's own threads leave free, folds taken in order. The first fold
// reports its epochs to `on_epoch`; when that stops it (a pruner), the other
// folds stop at their next epoch and their results are dropped. Otherwise
// the first exception, in fold order, is rethrown. Returns false, having
// stopped every fold before `on_epoch` saw anything, when training draws
// from LibTorch's global generator (left at `after_builds`), which the
// threads would share in no fixed order.
bool train_side_by_side(const ExperimentConfig& config, const Folds& folds,
                        const Registrar& registrar, std::uint64_t seed, const c10::Device& device,
                        std::vector<RunSummary>& runs, const EpochCallback& on_epoch,
                        const torch::Tensor& after_builds) {
  const auto cores = usable_cores();
  const auto per_fold = static_cast<unsigned>(std::max(1, at::get_num_threads()));
  const std::size_t threads = std::clamp<std::size_t>(cores / per_fold, 1, runs.size());
  std::atomic<bool> first_stopped{false}, drew{false};
  const EpochCallback first = [&](const EpochRecord& e) {
    // Every fold trains the same model, so the first fold's first epoch
    // shows whether training draws, before any value reaches `on_epoch`.
    if (!global_generator_state().equal(after_builds)) drew = true;
    const bool go_on = !drew && (!on_epoch || on_epoch(e));
    if (!go_on) first_stopped = true;
    return go_on;
  };
  // The other folds stop with the first, and on Ctrl-C even when the first
  // has finished (its callback is then no longer asked).
  const EpochCallback others = [&](const EpochRecord&) {
    return !first_stopped.load() && interrupt_signal() == 0;
  };
  std::vector<std::exception_ptr> errors(runs.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t f = next++; f < runs.size(); f = next++) {
      try {
        const TrainerConfig trainer = trainer_for(config, folds.folds[f], registrar);
        runs[f].result = train_model(runs[f].model, folds.folds[f].splits, trainer,
                                     training_components(registrar, trainer), device, seed,
                                     f == 0 ? first : others);
      } catch (...) {
        errors[f] = std::current_exception();
        if (f == 0) first_stopped = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (drew || !global_generator_state().equal(after_builds)) return false;
  if (errors[0]) std::rethrow_exception(errors[0]);
  if (first_stopped) return true;  // the others were cut short: what they did is moot
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  return true;
}

// One fold after another, each seeded and built just before it trains; a
// trial stopped in the first fold trains no other.
void train_one_by_one(const ExperimentConfig& config, const Folds& folds,
                      const Registrar& registrar, std::uint64_t seed, std::vector<RunSummary>& runs,
                      const EpochCallback& on_epoch) {
  const EpochCallback others = [](const EpochRecord&) { return interrupt_signal() == 0; };
  for (std::size_t f = 0; f < runs.size(); ++f) {
    runs[f] = train_trial(config, folds.folds[f], registrar, seed, f == 0 ? on_epoch : others);
    if (runs[f].result.stopped_by_caller) return;
  }
}

// The loss of the mean of the models' predictions on the whole split's test
// rows, in its units; for classification, the log loss of the mean of
// their probabilities.
double ensemble_test_loss(const ExperimentConfig& config, const PreparedData& whole,
                          const TrainedModels& models, const Registrar& registrar) {
  const Dataset& test = whole.splits.test;
  if (test.rows() == 0) return kNoValue;
  const Dataset& raw = whole.raw.test;
  torch::Tensor predicted = predict_in_target_units(models, raw.x, raw.feature_columns());
  if (!models.classes.empty()) return log_loss(predicted, raw.y);
  const Scaling& units = whole.scaling;
  if (units.y) predicted = units.y->apply(predicted);
  const Loss loss = loss_from(registrar, config.trainer);
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
  // The split's train and val rows, unscaled, in their shuffled order.
  const Splits& s = out.whole.raw;
  Dataset pooled = s.train;
  pooled.x = torch::cat({s.train.x, s.val.x});
  pooled.y = torch::cat({s.train.y, s.val.y});
  const std::int64_t n = pooled.rows();
  if (n < 2 * k)
    throw ConfigError("data.folds",
                      fmt::format("{} folds need at least {} training and validation rows; the "
                                  "split has {}",
                                  k, 2 * k, n));
  const std::vector<int> fold_of = assign_folds(pooled, k);
  const torch::Tensor fold = torch::tensor(fold_of, torch::kInt32);
  const torch::Tensor all = torch::arange(n);
  for (int f = 0; f < k; ++f) {
    const torch::Tensor held_out = fold == f;
    Splits raw{rows_of(pooled, all.masked_select(held_out.logical_not())),
               rows_of(pooled, all.masked_select(held_out)), s.test};
    out.folds.push_back(prepare_splits(config, dataset, std::move(raw)));
  }
  return out;
}

CrossValidation cross_validate(const ExperimentConfig& config, const Folds& folds,
                               const Registrar& registrar, std::uint64_t seed,
                               const EpochCallback& on_epoch) {
  CrossValidation cv;
  const std::size_t k = folds.folds.size();
  const c10::Device device = resolve_device(config.device);
  std::vector<RunSummary> runs(k);
  if (device.is_cpu()) {
    // Side by side, each model built (and seeded) here first, so that the
    // numbers do not depend on which thread trained which fold ...
    for (std::size_t f = 0; f < k; ++f)
      runs[f] = prepare_trial(config, folds.folds[f], registrar, seed);
    // ... unless training draws from LibTorch's one global generator (a
    // plugin's dropout): then one fold after another.
    if (!train_side_by_side(config, folds, registrar, seed, device, runs, on_epoch,
                            global_generator_state()))
      train_one_by_one(config, folds, registrar, seed, runs, on_epoch);
  } else {
    train_one_by_one(config, folds, registrar, seed, runs, on_epoch);
  }
  cv.first_fold = runs[0];
  std::vector<TrainResult> results{runs[0].result};
  if (!runs[0].result.stopped_by_caller) {
    for (std::size_t f = 1; f < k; ++f) results.push_back(runs[f].result);
    for (std::size_t f = 0; f < k; ++f)
      cv.models.members.push_back(TrainedModel{runs[f].model, folds.folds[f].scaling});
  }
  cv.models.units = folds.whole.scaling;
  cv.models.classes = folds.whole.classes;
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
    for (const std::string& w : r.warnings)  // each once
      if (std::find(mean.warnings.begin(), mean.warnings.end(), w) == mean.warnings.end())
        mean.warnings.push_back(w);
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
