#include "train/flat_parameters.h"

#include <torch/torch.h>

namespace tunelab {

std::optional<FlatParameters> FlatParameters::adopt(torch::nn::Module& model) {
  std::vector<torch::Tensor> params;
  for (auto& p : model.parameters())
    if (p.requires_grad()) params.push_back(p);
  if (params.empty()) return std::nullopt;
  std::int64_t total = 0;
  for (const auto& p : params) {
    if (p.dtype() != params.front().dtype() || p.device() != params.front().device())
      return std::nullopt;
    total += p.numel();
  }

  torch::NoGradGuard no_grad;
  const auto options = params.front().options();
  torch::Tensor values = torch::empty({total}, options);
  torch::Tensor grads = torch::zeros({total}, options);
  std::int64_t offset = 0;
  for (auto& p : params) {
    const std::int64_t n = p.numel();
    torch::Tensor value = values.narrow(0, offset, n).view(p.sizes());
    value.copy_(p);
    // The parameter keeps its identity in the graph (and in the module);
    // only its storage moves into the buffer. Backward accumulates into an
    // existing gradient in place, so the gradient stays a view too.
    p.set_data(value);
    p.mutable_grad() = grads.narrow(0, offset, n).view(p.sizes());
    offset += n;
  }
  values.set_requires_grad(true);
  values.mutable_grad() = grads;
  return FlatParameters(values);
}

}  // namespace tunelab
