#include "train/capturable_adam.h"

#include <torch/torch.h>

namespace tunelab {

std::optional<CapturableAdam> CapturableAdam::replacing(torch::optim::Optimizer& optimizer,
                                                        const at::Tensor& flat) {
  if (flat.scalar_type() != torch::kFloat32 || !flat.is_contiguous()) return std::nullopt;
  const std::optional<AdamSettings> settings = adam_settings_of(optimizer);
  if (!settings) return std::nullopt;
  return CapturableAdam(flat, *settings);
}

CapturableAdam::CapturableAdam(at::Tensor flat, AdamSettings settings)
    : values_(std::move(flat)), settings_(settings) {
  exp_avg_ = torch::zeros_like(values_);
  exp_avg_sq_ = torch::zeros_like(values_);
  if (settings_.amsgrad) max_exp_avg_sq_ = torch::zeros_like(values_);
  steps_ = torch::zeros({}, values_.options().dtype(torch::kFloat64));
}

void CapturableAdam::step() {
  torch::NoGradGuard no_grad;
  const AdamSettings& s = settings_;
  // The corrections in double, as LibTorch computes them on the host; each
  // meets the float tensors as a float.
  steps_.add_(1);
  const torch::Tensor bias_correction1 = 1 - torch::pow(s.beta1, steps_);
  const torch::Tensor sqrt_bias_correction2 =
      (1 - torch::pow(s.beta2, steps_)).sqrt_().to(torch::kFloat32);
  const torch::Tensor step_size = (-s.lr / bias_correction1).to(torch::kFloat32);

  torch::Tensor grad = values_.grad();
  if (s.weight_decay != 0) {
    if (s.decoupled)
      values_.mul_(1 - s.lr * s.weight_decay);
    else
      grad = grad.add(values_, s.weight_decay);
  }
  exp_avg_.mul_(s.beta1).add_(grad, 1 - s.beta1);
  exp_avg_sq_.mul_(s.beta2).addcmul_(grad, grad, 1 - s.beta2);
  torch::Tensor second_moment = exp_avg_sq_;
  if (s.amsgrad) {
    torch::maximum_out(max_exp_avg_sq_, max_exp_avg_sq_, exp_avg_sq_);
    second_moment = max_exp_avg_sq_;
  }
  const torch::Tensor denom = (second_moment.sqrt() / sqrt_bias_correction2).add_(s.eps);
  // addcdiv's value times exp_avg, then divided, as LibTorch's addcdiv_
  // with the step size as its value computes it.
  values_.addcdiv_(exp_avg_ * step_size, denom);
}

}  // namespace tunelab
