#pragma once
// The plugin interface of kind `optimizer`.

#include <functional>
#include <memory>
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

}  // namespace tunelab
