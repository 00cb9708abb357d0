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

namespace torch::optim {
class Optimizer;
}

namespace tunelab {

class FusedAdam {
 public:
  // Takes over `optimizer`'s settings when it is LibTorch's Adam or AdamW
  // over the one float CPU tensor `flat` (whose gradient holds every
  // parameter's); nothing otherwise.
  static std::optional<FusedAdam> replacing(torch::optim::Optimizer& optimizer,
                                            const at::Tensor& flat);

  void step();

 private:
  struct Settings {
    double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
    bool amsgrad = false;
    bool decoupled = false;  // AdamW: decay the weights, not the gradient
  };
  FusedAdam(at::Tensor flat, Settings settings);

  at::Tensor values_, exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
  Settings settings_;
  std::int64_t steps_ = 0;
};

}  // namespace tunelab
