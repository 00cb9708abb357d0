#include "train/gradient_clipping.h"

#include <torch/torch.h>

namespace tunelab {

void clip_gradient_norm(const std::vector<at::Tensor>& gradients, double max_norm) {
  if (gradients.empty()) return;
  torch::NoGradGuard no_grad;
  at::Tensor squares = torch::zeros({}, gradients.front().options().dtype(torch::kFloat64));
  for (const auto& g : gradients) squares += g.to(torch::kFloat64).square().sum();
  // 1 while the norm is within the bound (PyTorch's 1e-6 against a zero norm).
  const at::Tensor scale = (max_norm / (squares.sqrt() + 1e-6)).clamp_max(1);
  for (const auto& g : gradients) g.mul_(scale.to(g.scalar_type()));
}

}  // namespace tunelab
