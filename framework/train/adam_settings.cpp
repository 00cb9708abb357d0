#include "train/adam_settings.h"

#include <torch/torch.h>

#include <tuple>

namespace tunelab {
namespace {

template <typename Options>
AdamSettings settings_of(const torch::optim::OptimizerOptions& options, bool decoupled) {
  const auto& o = static_cast<const Options&>(options);
  AdamSettings s;
  s.lr = o.lr();
  std::tie(s.beta1, s.beta2) = o.betas();
  s.eps = o.eps();
  s.weight_decay = o.weight_decay();
  s.amsgrad = o.amsgrad();
  s.decoupled = decoupled;
  return s;
}

}  // namespace

std::optional<AdamSettings> adam_settings_of(const torch::optim::Optimizer& optimizer) {
  const auto& groups = optimizer.param_groups();
  if (groups.size() != 1 || groups.front().params().size() != 1) return std::nullopt;
  const auto& options = groups.front().options();
  if (dynamic_cast<const torch::optim::Adam*>(&optimizer))
    return settings_of<torch::optim::AdamOptions>(options, false);
  if (dynamic_cast<const torch::optim::AdamW*>(&optimizer))
    return settings_of<torch::optim::AdamWOptions>(options, true);
  return std::nullopt;
}

}  // namespace tunelab
