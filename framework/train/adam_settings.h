#pragma once
// The settings of LibTorch's Adam and AdamW, read off a constructed
// optimizer, for the trainer's own implementations of their step
// (train/fused_adam.h on the CPU, train/capturable_adam.h on a GPU).

#include <optional>

namespace torch::optim {
class Optimizer;
}

namespace tunelab {

struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool amsgrad = false;
  bool decoupled = false;  // AdamW: decay the weights, not the gradient
};

// `optimizer`'s settings when it is LibTorch's Adam or AdamW with one
// parameter group of one tensor (the flat buffer); nothing otherwise.
std::optional<AdamSettings> adam_settings_of(const torch::optim::Optimizer& optimizer);

}  // namespace tunelab
