#pragma once
// The plugin interface of kind `optimizer`.

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace torch::optim {
class Optimizer;
}

namespace tunelab {

struct OptimizerSettings {
  double lr = 1e-3;
  double weight_decay = 0.0;
  // Optimizer-specific options (`trainer.optimizer_args`: momentum, betas, ...).
  nlohmann::json args;
};

using OptimizerFactory = std::function<std::unique_ptr<torch::optim::Optimizer>(
    std::vector<at::Tensor> parameters, const OptimizerSettings& settings)>;

// What the trainer may do with an optimizer's steps beyond calling them.
struct OptimizerTraits {
  // Each element's update depends only on that element's value, gradient
  // and state, so one flat buffer of all parameters (train/flat_parameters.h)
  // gets the same update as its pieces.
  bool elementwise = false;
  // Once its state exists, every step makes the same operations with the
  // same numbers (no step count in its arithmetic), so that a recorded CUDA
  // graph replays it right.
  bool replayable = false;
};

// An optimizer as registered: how to make one, and what its steps allow.
// A plain factory registers with no traits: trained tensor by tensor.
struct OptimizerMaker {
  OptimizerFactory make;
  OptimizerTraits traits;

  OptimizerMaker() = default;
  template <typename F, std::enable_if_t<std::is_constructible_v<OptimizerFactory, F>, int> = 0>
  OptimizerMaker(F make, OptimizerTraits traits = {})  // NOLINT: implicit, as a plain factory
      : make(std::move(make)), traits(traits) {}
};

}  // namespace tunelab
