// Built-in regression losses, averaged over the batch as in PyTorch.

#include <torch/torch.h>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

// MSE for the hand-written step: the sum in double, as LibTorch's mean.
double mean_squared_error(const float* prediction, const float* target, std::size_t n,
                          float* d_prediction) {
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
  r.add("mse", "mean squared error", [](const nlohmann::json& json) -> Loss {
    Args(json).allow_only({});
    return {[](const at::Tensor& p, const at::Tensor& t) { return torch::mse_loss(p, t); },
            mean_squared_error};
  });
  r.add("l1", "mean absolute error", [](const nlohmann::json& json) -> LossFunction {
    Args(json).allow_only({});
    return [](const at::Tensor& p, const at::Tensor& t) { return torch::l1_loss(p, t); };
  });
  r.add("huber", "squared below delta, linear above (default delta 1)",
        [](const nlohmann::json& json) -> LossFunction {
          const Args args(json);
          args.allow_only({"delta"});
          const double delta = args.number("delta", 1.0);
          require_positive("delta", delta);
          return [delta](const at::Tensor& p, const at::Tensor& t) {
            return torch::huber_loss(p, t, at::Reduction::Mean, delta);
          };
        });
}

}  // namespace tunelab
