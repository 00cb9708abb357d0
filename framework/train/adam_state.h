#pragma once
// The settings and moment buffers of LibTorch's Adam and AdamW, taken over
// from a constructed optimizer by the trainer's own implementations of their
// step (train/fused_adam.h on the CPU, train/capturable_adam.h on a GPU).

#include <optional>

#include <ATen/core/Tensor.h>

namespace torch::optim {
class Optimizer;
}

namespace tunelab {

struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool amsgrad = false;
  bool decoupled = false;  // AdamW: decay the weights, not the gradient
};

struct AdamState {
  // `optimizer`'s settings and zeroed moments when it is LibTorch's Adam or
  // AdamW with one parameter group of the one float tensor `flat` (whose
  // gradient holds every parameter's); nothing otherwise.
  static std::optional<AdamState> taking_over(const torch::optim::Optimizer& optimizer,
                                              const at::Tensor& flat);

  AdamSettings settings;
  at::Tensor values, exp_avg, exp_avg_sq;
  at::Tensor max_exp_avg_sq;  // with amsgrad only
};

}  // namespace tunelab
