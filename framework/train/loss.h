#pragma once
// The plugin interface of kind `loss`: a mean loss over a batch.

#include <functional>
#include <type_traits>
#include <utility>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "train/lean_layer.h"

namespace tunelab {

using LossFunction =
    std::function<at::Tensor(const at::Tensor& prediction, const at::Tensor& target)>;

// A loss made from its arguments: the function on tensors, and optionally
// the same loss written out by hand for the trainer's hand-written step
// (train/lean_network.h). A plain LossFunction converts to a Loss without one.
struct Loss {
  LossFunction on_tensors;
  LeanLossKernel lean_kernel;
  // A classification loss: its targets are class codes (rows, 1) and the
  // model's outputs one logit (two classes) or one per class.
  bool for_classes = false;

  Loss() = default;
  template <typename F, std::enable_if_t<std::is_constructible_v<LossFunction, F> &&
                                             !std::is_same_v<std::decay_t<F>, Loss>,
                                         int> = 0>
  Loss(F on_tensors, LeanLossKernel lean_kernel = {})  // NOLINT: implicit, as a plain function
      : on_tensors(std::move(on_tensors)), lean_kernel(std::move(lean_kernel)) {}

  at::Tensor operator()(const at::Tensor& prediction, const at::Tensor& target) const {
    return on_tensors(prediction, target);
  }
};

using LossFactory = std::function<Loss(const nlohmann::json& args)>;

}  // namespace tunelab
