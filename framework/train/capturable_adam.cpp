#include "train/capturable_adam.h"

#include <torch/torch.h>

namespace tunelab {

std::optional<CapturableAdam> CapturableAdam::replacing(torch::optim::Optimizer& optimizer,
                                                        const at::Tensor& flat) {
  std::optional<AdamState> state = AdamState::taking_over(optimizer, flat);
  if (!state) return std::nullopt;
  return CapturableAdam(std::move(*state));
}

CapturableAdam::CapturableAdam(AdamState state)
    : state_(std::move(state)),
      steps_(torch::zeros({}, state_.values.options().dtype(torch::kFloat64))),
      lr_(torch::full({}, state_.settings.lr, state_.values.options().dtype(torch::kFloat64))) {}

void CapturableAdam::set_lr(double lr) {
  torch::NoGradGuard no_grad;
  lr_.fill_(lr);
}

void CapturableAdam::step() {
  torch::NoGradGuard no_grad;
  const AdamSettings& s = state_.settings;
  at::Tensor& values = state_.values;
  // The corrections in double, as LibTorch computes them on the host; each
  // meets the float tensors as a float.
  steps_.add_(1);
  const torch::Tensor bias_correction1 = 1 - torch::pow(s.beta1, steps_);
  const torch::Tensor sqrt_bias_correction2 =
      (1 - torch::pow(s.beta2, steps_)).sqrt_().to(torch::kFloat32);
  const torch::Tensor step_size = (-lr_ / bias_correction1).to(torch::kFloat32);

  torch::Tensor grad = values.grad();
  if (s.weight_decay != 0) {
    if (s.decoupled)
      values.mul_((1 - lr_ * s.weight_decay).to(torch::kFloat32));
    else
      grad = grad.add(values, s.weight_decay);
  }
  state_.exp_avg.mul_(s.beta1).add_(grad, 1 - s.beta1);
  state_.exp_avg_sq.mul_(s.beta2).addcmul_(grad, grad, 1 - s.beta2);
  torch::Tensor second_moment = state_.exp_avg_sq;
  if (s.amsgrad) {
    torch::maximum_out(state_.max_exp_avg_sq, state_.max_exp_avg_sq, state_.exp_avg_sq);
    second_moment = state_.max_exp_avg_sq;
  }
  const torch::Tensor denom = (second_moment.sqrt() / sqrt_bias_correction2).add_(s.eps);
  // addcdiv's value times exp_avg, then divided, as LibTorch's addcdiv_
  // with the step size as its value computes it.
  values.addcdiv_(state_.exp_avg * step_size, denom);
}

}  // namespace tunelab
