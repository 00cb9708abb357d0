#include "train/fused_adam.h"

#include <torch/torch.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace tunelab {

std::optional<FusedAdam> FusedAdam::replacing(torch::optim::Optimizer& optimizer,
                                              const at::Tensor& flat) {
  if (!flat.device().is_cpu()) return std::nullopt;
  std::optional<AdamState> state = AdamState::taking_over(optimizer, flat);
  if (!state) return std::nullopt;
  return FusedAdam(std::move(*state));
}

void FusedAdam::step() {
  using Array = Eigen::Map<Eigen::ArrayXf>;
  const AdamSettings& s = state_.settings;
  ++steps_;
  // As LibTorch does: the scalars in double, each cast to float where it
  // meets the tensors.
  const double bias_correction1 = 1 - std::pow(s.beta1, static_cast<double>(steps_));
  const double bias_correction2 = 1 - std::pow(s.beta2, static_cast<double>(steps_));
  const auto beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
  const auto one_minus_beta1 = static_cast<float>(1 - s.beta1);
  const auto one_minus_beta2 = static_cast<float>(1 - s.beta2);
  const auto sqrt_bias_correction2 = static_cast<float>(std::sqrt(bias_correction2));
  const auto eps = static_cast<float>(s.eps);
  const auto step_size = static_cast<float>(-(s.lr / bias_correction1));
  const auto decay = static_cast<float>(s.weight_decay);
  const auto weight_factor = static_cast<float>(1 - s.lr * s.weight_decay);

  float* p = state_.values.data_ptr<float>();
  const float* g = state_.values.grad().data_ptr<float>();
  float* m = state_.exp_avg.data_ptr<float>();
  float* v = state_.exp_avg_sq.data_ptr<float>();
  float* v_max = s.amsgrad ? state_.max_exp_avg_sq.data_ptr<float>() : nullptr;
  // Chunks that stay in the cache while the five statements pass over them.
  constexpr std::int64_t kChunk = 4096;
  const std::int64_t n = state_.values.numel();
  Eigen::ArrayXf grad(kChunk), denom(kChunk);
  for (std::int64_t begin = 0; begin < n; begin += kChunk) {
    const auto size = static_cast<Eigen::Index>(std::min(kChunk, n - begin));
    Array param(p + begin, size), avg(m + begin, size), avg_sq(v + begin, size);
    auto gr = grad.head(size);
    auto de = denom.head(size);
    gr = Eigen::Map<const Eigen::ArrayXf>(g + begin, size);
    if (s.weight_decay != 0) {
      if (s.decoupled)
        param *= weight_factor;
      else
        gr += decay * param;
    }
    avg = avg * beta1 + one_minus_beta1 * gr;
    avg_sq = avg_sq * beta2 + one_minus_beta2 * gr * gr;
    if (v_max) {
      Array max_sq(v_max + begin, size);
      max_sq = max_sq.max(avg_sq);
      de = max_sq.sqrt() / sqrt_bias_correction2 + eps;
    } else {
      de = avg_sq.sqrt() / sqrt_bias_correction2 + eps;
    }
    param += step_size * avg / de;
  }
}

}  // namespace tunelab
