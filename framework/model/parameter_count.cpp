#include "model/parameter_count.h"

#include <torch/nn/module.h>

namespace tunelab {

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace tunelab
