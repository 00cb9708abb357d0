#include "train/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "common/errors.h"
#include "train/cuda_graph.h"
#include "train/lr_schedule.h"

namespace tunelab {
namespace {

// Mini-batch boundaries over n rows. A last batch of a single row is folded
// into the one before: BatchNorm cannot train on one row, and dropping it would
// waste data.
std::vector<std::pair<std::int64_t, std::int64_t>> batch_ranges(std::int64_t n,
                                                                std::int64_t batch_size) {
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  for (std::int64_t start = 0; start < n; start += batch_size)
    ranges.emplace_back(start, std::min(n, start + batch_size));
  if (ranges.size() > 1 && ranges.back().second - ranges.back().first == 1) {
    ranges.pop_back();
    ranges.back().second = n;
  }
  return ranges;
}

double evaluate(torch::nn::Sequential& model, const Loss& loss, const torch::Tensor& x,
                const torch::Tensor& y) {
  if (x.size(0) == 0) return kNoValue;
  c10::InferenceMode inference;
  model->eval();
  return loss(model->forward(x), y).item<double>();
}

std::vector<torch::Tensor> copy_state(const torch::nn::Module& model) {
  std::vector<torch::Tensor> state;
  for (const auto& p : model.parameters()) state.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) state.push_back(b.detach().clone());
  return state;
}

void restore_state(torch::nn::Module& model, const std::vector<torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : model.parameters()) p.copy_(state[i++]);
  for (auto& b : model.buffers()) b.copy_(state[i++]);
}

}  // namespace

TrainResult train_model(torch::nn::Sequential& model, const Splits& splits,
                        const TrainerConfig& config, const TrainingComponents& components,
                        const c10::Device& device, std::uint64_t seed,
                        const EpochCallback& on_epoch) {
  if (config.batch_size < 1 || config.epochs < 1)
    throw std::invalid_argument("train_model: batch_size and epochs must be at least 1");

  // On a GPU all of the trial's work goes to a stream of its own, which CUDA
  // graphs need.
  const DeviceStreamScope stream_scope(device);
  model->to(device);
  const torch::Tensor x_train = splits.train.x.to(device), y_train = splits.train.y.to(device);
  const torch::Tensor x_val = splits.val.x.to(device), y_val = splits.val.y.to(device);
  const std::unique_ptr<TrainingStep> step =
      choose_step(model, components, config, x_train, y_train);
  const Loss& loss_fn = components.loss;
  auto shuffle = at::make_generator<at::CPUGeneratorImpl>(seed);
  const std::int64_t n = x_train.size(0);
  const bool has_val = x_val.size(0) > 0;

  TrainResult result;
  std::vector<torch::Tensor> best_state;
  double best = std::numeric_limits<double>::infinity();
  int epochs_without_improvement = 0;

  const auto batches = batch_ranges(n, config.batch_size);
  const LrSchedule schedule(config.schedule, config.warmup_epochs, config.epochs,
                            static_cast<int>(batches.size()));
  long steps = 0;

  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    model->train();
    const torch::Tensor order = torch::randperm(n, shuffle).to(device);
    double lr_sum = 0;
    for (const auto& [begin, end] : batches) {
      if (schedule.varies()) {
        const double lr = config.lr * schedule.factor(steps);
        step->set_lr(lr);
        lr_sum += lr;
      }
      ++steps;
      step->run(order, begin, end);
    }

    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = step->take_loss_sum() / static_cast<double>(n);
    if (!std::isfinite(record.train_loss))
      throw TrainingError(fmt::format("training loss became {} in epoch {}",
                                      std::isnan(record.train_loss) ? "NaN" : "infinite", epoch));
    record.val_loss = has_val ? evaluate(model, loss_fn, x_val, y_val) : kNoValue;
    // Under a schedule, the epoch's mean rate.
    record.lr = schedule.varies() ? lr_sum / static_cast<double>(batches.size()) : config.lr;
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.epochs.push_back(record);

    const double watched = has_val ? record.val_loss : record.train_loss;
    if (std::isfinite(watched) && watched < best - config.early_stopping.min_delta) {
      best = watched;
      result.best_epoch = epoch;
      epochs_without_improvement = 0;
      if (has_val) best_state = copy_state(*model);
    } else {
      ++epochs_without_improvement;
    }
    if (on_epoch && !on_epoch(record)) {
      result.stopped_by_caller = true;
      break;
    }
    if (config.early_stopping.patience > 0 &&
        epochs_without_improvement >= config.early_stopping.patience) {
      result.stopped_early = epoch < config.epochs;
      break;
    }
  }

  if (has_val) {
    // No epoch to keep: the trial has no value, and is not one.
    if (result.best_epoch == 0)
      throw TrainingError(fmt::format("no epoch had a finite validation loss (epoch {}: {})",
                                      result.epochs.back().epoch, result.epochs.back().val_loss));
    if (!best_state.empty()) restore_state(*model, best_state);
    result.best_val_loss = best;
  } else {
    result.best_epoch = result.epochs.back().epoch;
  }
  result.test_loss = evaluate(model, loss_fn, splits.test.x.to(device), splits.test.y.to(device));
  result.warnings = step->warnings();
  return result;
}

}  // namespace tunelab
