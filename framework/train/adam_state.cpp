#include "train/adam_state.h"

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

std::optional<AdamSettings> adam_settings_of(const torch::optim::Optimizer& optimizer,
                                             const at::Tensor& flat) {
  const auto& groups = optimizer.param_groups();
  if (groups.size() != 1 || groups.front().params().size() != 1 ||
      !groups.front().params().front().is_same(flat))
    return std::nullopt;
  const auto& options = groups.front().options();
  if (dynamic_cast<const torch::optim::Adam*>(&optimizer))
    return settings_of<torch::optim::AdamOptions>(options, false);
  if (dynamic_cast<const torch::optim::AdamW*>(&optimizer))
    return settings_of<torch::optim::AdamWOptions>(options, true);
  return std::nullopt;
}

}  // namespace

std::optional<AdamState> AdamState::taking_over(const torch::optim::Optimizer& optimizer,
                                                const at::Tensor& flat) {
  if (flat.scalar_type() != torch::kFloat32 || !flat.is_contiguous()) return std::nullopt;
  const std::optional<AdamSettings> settings = adam_settings_of(optimizer, flat);
  if (!settings) return std::nullopt;
  AdamState state;
  state.settings = *settings;
  state.values = flat;
  state.exp_avg = torch::zeros_like(flat);
  state.exp_avg_sq = torch::zeros_like(flat);
  if (settings->amsgrad) state.max_exp_avg_sq = torch::zeros_like(flat);
  return state;
}

}  // namespace tunelab
