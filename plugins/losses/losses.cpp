// Built-in regression losses, averaged over the batch as in PyTorch.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

// MSE for the hand-written step: the sum in double, as LibTorch's mean.
double mean_squared_error(const float* prediction, const float* target, int rows, int outputs,
                          float* d_prediction) {
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(outputs);
  double loss = 0;
  const float scale = 2.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float d = prediction[i] - target[i];
    loss += static_cast<double>(d) * d;
    d_prediction[i] = d * scale;
  }
  return loss / static_cast<double>(n);
}

}  // namespace

void register_losses(Registrar& registrar) {
  auto& r = registrar.losses;
  r.add("mse", "mean squared error", {}, [](const nlohmann::json& json) -> Loss {
    OptionSpecs{}.read(json);
    return {[](const at::Tensor& p, const at::Tensor& t) { return torch::mse_loss(p, t); },
            mean_squared_error};
  });
  r.add("l1", "mean absolute error", {}, [](const nlohmann::json& json) -> LossFunction {
    OptionSpecs{}.read(json);
    return [](const at::Tensor& p, const at::Tensor& t) { return torch::l1_loss(p, t); };
  });
  static const OptionSpecs huber_options{{"delta", OptionType::number, 1.0,
                                          "where the loss turns from squared to linear",
                                          OptionCheck::positive()}};
  r.add("huber", "squared below delta, linear above", huber_options,
        [](const nlohmann::json& json) -> LossFunction {
          const double delta = huber_options.read(json).number("delta");
          return [delta](const at::Tensor& p, const at::Tensor& t) {
            return torch::huber_loss(p, t, at::Reduction::Mean, delta);
          };
        });
}

}  // namespace tunelab
