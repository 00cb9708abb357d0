#pragma once
// Adam and AdamW, with LibTorch's semantics and settings, over the flat
// buffer of all parameters (train/flat_parameters.h) on any device, as a
// dozen tensor operations whose every input lives on that device: the step
// count is a device tensor and the bias corrections are computed from it
// there. LibTorch's own step keeps the count on the host and passes the
// corrections as numbers, which a recorded CUDA graph (train/cuda_graph.h)
// would replay frozen at the step it was recorded in; this one replays right.
// On the CPU, train/fused_adam.h is faster.

#include <optional>

#include <ATen/core/Tensor.h>

#include "train/adam_state.h"

namespace tunelab {

class CapturableAdam {
 public:
  // Takes over `optimizer`'s settings when it is LibTorch's Adam or AdamW
  // over the one float tensor `flat` (whose gradient holds every
  // parameter's); nothing otherwise.
  static std::optional<CapturableAdam> replacing(torch::optim::Optimizer& optimizer,
                                                 const at::Tensor& flat);

  void step();
  // The learning rate of the steps from now on (a schedule's). It lives on
  // the device, so a recorded step replays with the rate set last.
  void set_lr(double lr);

 private:
  explicit CapturableAdam(AdamState state);

  AdamState state_;
  at::Tensor steps_;  // a double scalar on the parameters' device
  at::Tensor lr_;     // the same
};

}  // namespace tunelab
