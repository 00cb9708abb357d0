#pragma once
// A Sequential that can itself sit inside a Sequential. LibTorch's Sequential
// has a templated forward() and so cannot be stored as an AnyModule; this one
// maps one tensor to one tensor. It prints as torch::nn::Sequential, and its
// children are named 0, 1, ... as in PyTorch.

#include <torch/nn/modules/container/sequential.h>

namespace tunelab {

class StackImpl : public torch::nn::SequentialImpl {
 public:
  using SequentialImpl::SequentialImpl;
  at::Tensor forward(at::Tensor x) { return SequentialImpl::forward(std::move(x)); }
};

TORCH_MODULE(Stack);

}  // namespace tunelab
