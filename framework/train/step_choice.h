#pragma once
// How one mini-batch of training runs, chosen once per training from what
// the model, optimizer, loss and device allow: the trainer asks the
// registered pieces what they can do (an optimizer's traits, a loss's and a
// block's hand-written step) and never knows them by name.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/modules/container/sequential.h>

#include "train/batch_step.h"
#include "train/capturable_adam.h"
#include "train/flat_parameters.h"
#include "train/fused_adam.h"
#include "train/lean_layer.h"
#include "train/lean_network.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer_config.h"

namespace tunelab {

// What the trainer cannot make itself: the optimizer and loss the
// experiment names and the blocks' hand-written steps, resolved by the
// caller (plugin/assembly.h).
struct TrainingComponents {
  OptimizerFactory make_optimizer;
  OptimizerTraits optimizer;
  Loss loss;
  std::vector<LeanLayerFactory> lean_blocks;
};

enum class StepKind {
  // The model's and loss's step written out by hand (train/lean_network.h),
  // Adam in one fused pass: the CPU's fastest.
  hand_written,
  // Autograd's forward and backward, Adam in one fused pass on the CPU
  // (train/fused_adam.h).
  fused_adam,
  // Autograd's, with Adam's state on the GPU, recorded as a CUDA graph
  // (train/capturable_adam.h).
  capturable_adam,
  // Autograd's, an element-wise optimizer updating one flat buffer of all
  // parameters (train/flat_parameters.h); recorded as a CUDA graph on a GPU
  // when the optimizer replays right.
  flat,
  // Autograd's and LibTorch's optimizer tensor by tensor: a plugin's
  // optimizer, or `trainer.fast_path: false`.
  per_tensor,
};

class TrainingStep {
 public:
  StepKind kind() const { return kind_; }

  // Trains on the rows order[begin, end) (a device tensor of row indices).
  void run(const at::Tensor& order, std::int64_t begin, std::int64_t end);

  // The row-weighted sum of the batch losses since the last call.
  double take_loss_sum();

  // The learning rate of the steps from now on (a schedule's), in whichever
  // optimizer the step runs.
  void set_lr(double lr);

  // What the caller should tell the user (a fast path given up, and why).
  const std::vector<std::string>& warnings() const { return batch_step_->warnings(); }

 private:
  friend std::unique_ptr<TrainingStep> choose_step(torch::nn::Sequential& model,
                                                   const TrainingComponents& components,
                                                   const TrainerConfig& config,
                                                   const at::Tensor& x_train,
                                                   const at::Tensor& y_train);
  TrainingStep() = default;
  // Scales the gradients to a norm of at most grad_clip_.
  void clip_gradients();

  StepKind kind_ = StepKind::per_tensor;
  at::Tensor x_, y_;
  std::optional<FlatParameters> flat_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::optional<FusedAdam> fused_;
  std::optional<CapturableAdam> capturable_;
  std::unique_ptr<LeanNetwork> lean_;
  double lean_loss_sum_ = 0;
  double grad_clip_ = 0;
  std::unique_ptr<BatchStep> batch_step_;
};

// The fastest step that gives the model's own math, for `model` on the
// device its parameters and x_train, y_train (the whole training split) are
// on. Makes the optimizer.
std::unique_ptr<TrainingStep> choose_step(torch::nn::Sequential& model,
                                          const TrainingComponents& components,
                                          const TrainerConfig& config, const at::Tensor& x_train,
                                          const at::Tensor& y_train);

}  // namespace tunelab
