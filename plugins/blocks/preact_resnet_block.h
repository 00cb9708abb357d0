#pragma once
// The chapter's pre-activation ResNet block for tabular data:
//   out = Linear(act(LN(Linear(act(LN(x)))))) + shortcut(x)
// where the shortcut is the identity, or LN-act-Linear (no bias) when the
// block subsamples. No activation after the sum.

#include <torch/torch.h>

#include "model/block.h"

namespace tunelab {

class PreActResNetBlockImpl : public torch::nn::Module {
 public:
  explicit PreActResNetBlockImpl(const BlockSpec& spec);

  torch::Tensor forward(torch::Tensor x);
  void pretty_print(std::ostream& stream) const override;

 private:
  torch::nn::Sequential net_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
};

TORCH_MODULE(PreActResNetBlock);

}  // namespace tunelab
