#include "train/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "common/errors.h"
#include "train/batch_step.h"
#include "train/capturable_adam.h"
#include "train/cuda_graph.h"
#include "train/flat_parameters.h"
#include "train/fused_adam.h"
#include "train/lean_resnet.h"

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

double evaluate(torch::nn::Sequential& model, const LossFunction& loss, const torch::Tensor& x,
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

// Built-in optimizers whose LibTorch step, once its state exists, makes the
// same operations with the same numbers every step (no step count in its
// arithmetic), so that a recorded CUDA graph replays it right. Adam and
// AdamW count steps: on a GPU they run as train/capturable_adam.h.
bool replays_right(const std::string& optimizer) {
  return optimizer == "sgd" || optimizer == "rmsprop";
}

}  // namespace

TrainResult train_model(torch::nn::Sequential& model, const Splits& splits,
                        const TrainerConfig& config, const TrainingComponents& components,
                        const c10::Device& device, std::uint64_t seed,
                        const EpochCallback& on_epoch) {
  if (config.batch_size < 1)
    throw ConfigError("trainer.batch_size",
                      fmt::format("must be at least 1, got {}", config.batch_size));
  if (config.epochs < 1)
    throw ConfigError("trainer.epochs", fmt::format("must be at least 1, got {}", config.epochs));

  // On a GPU all of the trial's work goes to a stream of its own, which CUDA
  // graphs need.
  const DeviceStreamScope stream_scope(device);
  model->to(device);
  const torch::Tensor x_train = splits.train.x.to(device), y_train = splits.train.y.to(device);
  const torch::Tensor x_val = splits.val.x.to(device), y_val = splits.val.y.to(device);
  std::optional<FlatParameters> flat;
  if (config.fast_path && updates_elementwise(config.optimizer))
    flat = FlatParameters::adopt(*model);
  auto optimizer = components.make_optimizer(
      flat ? std::vector{flat->values()} : model->parameters(),
      OptimizerSettings{config.lr, config.weight_decay, config.optimizer_args});
  // Adam and AdamW on the flat buffer: one fused pass on the CPU, device
  // tensors only on a GPU (so that the step can be a CUDA graph).
  std::optional<FusedAdam> fused;
  std::optional<CapturableAdam> capturable;
  if (flat && device.is_cpu()) fused = FusedAdam::replacing(*optimizer, flat->values());
  if (flat && !device.is_cpu()) capturable = CapturableAdam::replacing(*optimizer, flat->values());
  const LossFunction& loss_fn = components.loss;
  // The chapter's ResNet trained with Adam on MSE: its step written out by
  // hand (train/lean_resnet.h), on the CPU.
  std::unique_ptr<LeanResNet> lean;
  if (fused && config.loss == "mse" && config.loss_args.empty() && x_train.is_contiguous() &&
      y_train.is_contiguous() && x_train.scalar_type() == torch::kFloat &&
      y_train.scalar_type() == torch::kFloat && y_train.dim() == 2)
    lean = LeanResNet::recognise(model);
  StepUpdate update;
  if (flat) {
    update.zero_grad = [&] { flat->values().mutable_grad().zero_(); };
  } else {
    update.zero_grad = [&] { optimizer->zero_grad(); };
  }
  if (fused) {
    update.apply = [&] { fused->step(); };
  } else if (capturable) {
    update.apply = [&] { capturable->step(); };
    update.replayable = true;
  } else {
    update.apply = [&] { optimizer->step(); };
    update.replayable = flat.has_value() && replays_right(config.optimizer);
  }
  BatchStep batch_step(model, loss_fn, x_train, y_train, std::move(update), config.fast_path);
  auto shuffle = at::make_generator<at::CPUGeneratorImpl>(seed);
  const std::int64_t n = x_train.size(0);
  const bool has_val = x_val.size(0) > 0;

  TrainResult result;
  std::vector<torch::Tensor> best_state;
  double best = std::numeric_limits<double>::infinity();
  int epochs_without_improvement = 0;

  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    model->train();
    const torch::Tensor order = torch::randperm(n, shuffle).to(device);
    double lean_loss_sum = 0;
    for (const auto& [begin, end] : batch_ranges(n, config.batch_size)) {
      if (lean) {
        const torch::Tensor rows = order.slice(0, begin, end);
        lean_loss_sum +=
            lean->forward_backward(x_train, y_train, rows) * static_cast<double>(end - begin);
        fused->step();
      } else {
        batch_step.run(order, begin, end);
      }
    }

    EpochRecord record;
    record.epoch = epoch;
    record.train_loss =
        (lean ? lean_loss_sum : batch_step.take_loss_sum()) / static_cast<double>(n);
    if (!std::isfinite(record.train_loss))
      throw TrainingError(fmt::format("training loss became {} in epoch {}",
                                      std::isnan(record.train_loss) ? "NaN" : "infinite", epoch));
    record.val_loss = has_val ? evaluate(model, loss_fn, x_val, y_val) : kNoValue;
    record.lr = config.lr;
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
      throw TrainingError(fmt::format(
          "no epoch had a finite validation loss (epoch {}: {})", result.epochs.back().epoch,
          result.epochs.back().val_loss));
    if (!best_state.empty()) restore_state(*model, best_state);
    result.best_val_loss = best;
  } else {
    result.best_epoch = result.epochs.back().epoch;
  }
  result.test_loss = evaluate(model, loss_fn, splits.test.x.to(device), splits.test.y.to(device));
  result.warnings = batch_step.warnings();
  return result;
}

}  // namespace tunelab
