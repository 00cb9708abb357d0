#pragma once
// The plugin interface of kind `block`: a residual block for tabular inputs,
// mapping (batch, c_in) to (batch, c_out).

#include <cstdint>
#include <functional>

#include <torch/nn/modules/container/any.h>
#include <nlohmann/json.hpp>

#include "model/activation.h"

namespace tunelab {

struct BlockSpec {
  std::int64_t c_in = 0;
  // Equal to c_in unless `subsample` is set (the chapter's convention).
  std::int64_t c_out = 0;
  // The block changes the feature width and needs a projection on its shortcut.
  bool subsample = false;
  MakeActivation act;
  // Block-specific options from the model section (`block_args:`).
  nlohmann::json args;
  // The model's `dropout` and `residual_dropout` (Gorishniy et al. 2021's
  // ResNet): the share of the hidden layer's units zeroed in training, and
  // of the residual branch's before it meets the shortcut. The built-in
  // blocks apply both; 0: no dropout module at all.
  double dropout = 0;
  double residual_dropout = 0;
};

using BlockFactory = std::function<torch::nn::AnyModule(const BlockSpec&)>;

}  // namespace tunelab
