// Built-in regression losses, averaged over the batch as in PyTorch.

#include <torch/torch.h>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {

void register_losses(Registrar& registrar) {
  auto& r = registrar.losses;
  r.add("mse", "mean squared error", [](const nlohmann::json& json) -> LossFunction {
    Args(json).allow_only({});
    return [](const at::Tensor& p, const at::Tensor& t) { return torch::mse_loss(p, t); };
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
