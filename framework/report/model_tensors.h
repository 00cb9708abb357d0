#pragma once
// A model's tensors as a table, for `tunelab model --tensors`.

#include <torch/nn/module.h>

#include "report/table.h"

namespace tunelab {

// Every parameter and buffer by its name in the state dict, with its shape:
// the names `tunelab show` and weight files use.
Table tensor_table(const torch::nn::Module& model);

}  // namespace tunelab
