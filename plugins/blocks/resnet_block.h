#pragma once
// The chapter's original ResNet block for tabular data:
//   out = act(BN(Linear(act(BN(Linear(x))))) + shortcut(x))
// with `dropout` after the inner activation and `residual_dropout` on the
// branch before the sum, where the spec asks for them.
// where the shortcut is the identity, or Linear(c_in, c_out) with bias when
// the block subsamples (changes the width).

#include <torch/torch.h>

#include "model/block.h"
#include "train/lean_layer.h"

namespace tunelab {

class ResNetBlockImpl : public torch::nn::Module {
 public:
  explicit ResNetBlockImpl(const BlockSpec& spec);

  torch::Tensor forward(torch::Tensor x);
  void pretty_print(std::ostream& stream) const override;

 private:
  friend std::unique_ptr<LeanLayer> lean_resnet_block(const torch::nn::Module& module);

  torch::nn::Sequential net_{nullptr};
  torch::nn::Linear downsample_{nullptr};
  torch::nn::AnyModule act_fn_;
  torch::nn::Dropout residual_dropout_{nullptr};
};

TORCH_MODULE(ResNetBlock);

// The block's training step written out by hand (lean_resnet_block.cpp), for a
// module that is this block with an activation train/lean_kernels.h writes
// out; nullptr otherwise.
std::unique_ptr<LeanLayer> lean_resnet_block(const torch::nn::Module& module);

}  // namespace tunelab
