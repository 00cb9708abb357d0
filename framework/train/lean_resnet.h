#pragma once
// The training step of the chapter's ResNet written out by hand: forward,
// MSE loss and backward of an input Linear + activation, ResNetBlocks
// (Linear-BatchNorm-act-Linear-BatchNorm, shortcut, act) or
// PreActResNetBlocks (LayerNorm-act-Linear twice, shortcut) and an output
// Linear, as BLAS matrix products and plain loops over preallocated
// buffers. For these small models LibTorch's autograd spends more time on
// dispatching and recording a few hundred small operations than on the
// arithmetic; here a step is its matrix products and a few passes over
// activations that stay in cache. The math is autograd's (batch statistics,
// running statistics, biased and unbiased variances as PyTorch uses them);
// results agree with the plain path to float rounding.

#include <cstdint>
#include <memory>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

namespace tunelab {

class LeanResNet {
 public:
  // The hand-written step for `model`, when it is that ResNet (either block,
  // any widths and depths) with ReLU, leaky ReLU, ELU, GELU (exact), SiLU or
  // tanh, float32 on the CPU, its norms affine (BatchNorms with running
  // statistics); nullptr otherwise.
  static std::unique_ptr<LeanResNet> recognise(torch::nn::Sequential& model);
  ~LeanResNet();

  // One training step on `rows` of x and y (the model in training mode):
  // sets every parameter's gradient, updates the BatchNorms' running
  // statistics, and returns the batch's mean squared error.
  double forward_backward(const at::Tensor& x, const at::Tensor& y, const at::Tensor& rows);

  struct Plan;

 private:
  explicit LeanResNet(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan_;
};

}  // namespace tunelab
