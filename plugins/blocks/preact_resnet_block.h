#pragma once
// The chapter's pre-activation ResNet block for tabular data:
//   out = Linear(act(LN(Linear(act(LN(x)))))) + shortcut(x)
// where the shortcut is the identity, or LN-act-Linear (no bias) when the
// block subsamples. No activation after the sum. `dropout` after the inner
// activation and `residual_dropout` on the branch before the sum, where the
// spec asks for them.

#include <torch/torch.h>

#include "model/block.h"
#include "train/lean_layer.h"

namespace tunelab {

class PreActResNetBlockImpl : public torch::nn::Module {
 public:
  explicit PreActResNetBlockImpl(const BlockSpec& spec);

  torch::Tensor forward(torch::Tensor x);
  void pretty_print(std::ostream& stream) const override;

 private:
  friend std::unique_ptr<LeanLayer> lean_preact_resnet_block(const torch::nn::Module& module);

  torch::nn::Sequential net_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
  torch::nn::Dropout residual_dropout_{nullptr};
};

TORCH_MODULE(PreActResNetBlock);

// The block's training step written out by hand (lean_preact_resnet_block.cpp), for a
// module that is this block with an activation train/lean_kernels.h writes
// out; nullptr otherwise.
std::unique_ptr<LeanLayer> lean_preact_resnet_block(const torch::nn::Module& module);

}  // namespace tunelab
