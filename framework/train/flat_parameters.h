#pragma once
// A model's trainable parameters as views of one contiguous buffer, and their
// gradients as views of another. An elementwise optimizer (Adam, SGD, ...)
// handed the one buffer updates every parameter in a handful of operations
// instead of a handful per parameter tensor (an optimizer says whether it may,
// OptimizerTraits::elementwise): for the small models of tabular
// data, where a training step's time goes to per-operation overhead rather
// than arithmetic, that is most of the optimizer's cost. The update of each
// element is the same as the optimizer applied tensor by tensor.

#include <optional>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace tunelab {

class FlatParameters {
 public:
  // Moves the values of `model`'s trainable parameters into one buffer and
  // makes each parameter (and its gradient) a view of it. Returns nothing
  // when that cannot be done: no trainable parameters, or parameters of
  // different dtypes or devices.
  static std::optional<FlatParameters> adopt(torch::nn::Module& model);

  // The one tensor to hand the optimizer: every parameter's values, with
  // every parameter's gradient as its gradient.
  const at::Tensor& values() const { return values_; }

 private:
  explicit FlatParameters(at::Tensor values) : values_(std::move(values)) {}
  at::Tensor values_;
};

}  // namespace tunelab
