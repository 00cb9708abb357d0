#pragma once
// A model's training step written out by hand: forward, loss and backward
// of a chain of hand-written layers (train/lean_layer.h) over preallocated
// buffers. For the small models of tabular data LibTorch's autograd spends
// more time dispatching and recording a few hundred small operations than
// on the arithmetic; here a step is its matrix products and a few passes
// over activations that stay in cache. Results agree with autograd's step
// to float rounding.

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

#include "train/lean_layer.h"

namespace tunelab {

class LeanNetwork {
 public:
  // The hand-written step for `model` when every module of it, in order
  // (nested Sequentials unpacked), is a Linear, an activation
  // train/lean_kernels.h writes out, or a module one of `blocks` offers a
  // layer for, all float32 on the CPU, and `loss` offers a kernel; nullptr
  // otherwise.
  static std::unique_ptr<LeanNetwork> recognise(torch::nn::Sequential& model,
                                                const std::vector<LeanLayerFactory>& blocks,
                                                LeanLossKernel loss);

  // One training step on `rows` of x and y (the model in training mode):
  // sets every parameter's gradient, updates running statistics, and
  // returns the batch's mean loss.
  double forward_backward(const at::Tensor& x, const at::Tensor& y, const at::Tensor& rows);

 private:
  LeanNetwork(std::vector<std::unique_ptr<LeanLayer>> layers, LeanLossKernel loss);

  std::vector<std::unique_ptr<LeanLayer>> layers_;
  LeanLossKernel loss_;
  std::vector<float> x_, y_;          // the batch's rows, gathered
  std::vector<const float*> inputs_;  // of each layer, from the last forward
  std::vector<float> d_prediction_;
};

}  // namespace tunelab
