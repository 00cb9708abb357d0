#pragma once
// Adam and AdamW, with LibTorch's semantics and settings, as one pass over a
// flat float buffer of all parameters (train/flat_parameters.h) on the CPU.
// LibTorch's step is a dozen separate operations, each a pass over every
// parameter; for a model of a million parameters trained on small batches
// those passes cost several times the forward and backward pass. One pass
// over cache-sized chunks does the same arithmetic, element by element.

#include <cstdint>
#include <optional>

#include <ATen/core/Tensor.h>

#include "train/adam_state.h"

namespace tunelab {

class FusedAdam {
 public:
  // Takes over `optimizer`'s settings when it is LibTorch's Adam or AdamW
  // over the one float CPU tensor `flat` (whose gradient holds every
  // parameter's); nothing otherwise.
  static std::optional<FusedAdam> replacing(torch::optim::Optimizer& optimizer,
                                            const at::Tensor& flat);

  void step();
  // The learning rate of the steps from now on (a schedule's).
  void set_lr(double lr) { state_.settings.lr = lr; }

 private:
  explicit FusedAdam(AdamState state) : state_(std::move(state)) {}

  AdamState state_;
  std::int64_t steps_ = 0;
};

}  // namespace tunelab
