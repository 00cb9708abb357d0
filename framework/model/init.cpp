#include "model/init.h"

#include <torch/torch.h>

namespace tunelab {

void init_resnet_parameters(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (const auto& module : model.modules(/*include_self=*/true)) {
    if (auto* linear = module->as<torch::nn::Linear>()) {
      torch::nn::init::kaiming_normal_(linear->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* norm = module->as<torch::nn::BatchNorm1d>()) {
      torch::nn::init::constant_(norm->weight, 1.0);
      torch::nn::init::constant_(norm->bias, 0.0);
    }
  }
}

}  // namespace tunelab
