#pragma once
// The plugin interface of kind `loss`: a mean loss over a batch.

#include <functional>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace tunelab {

using LossFunction =
    std::function<at::Tensor(const at::Tensor& prediction, const at::Tensor& target)>;
using LossFactory = std::function<LossFunction(const nlohmann::json& args)>;

}  // namespace tunelab
