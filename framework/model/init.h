#pragma once

namespace torch::nn {
class Module;
}

namespace tunelab {

// The chapter's ResNet._init_params: Kaiming-normal (fan_out, relu) for every
// Linear weight, 1 and 0 for BatchNorm weight and bias. Linear biases and
// LayerNorm keep their default initialisation, as in the chapter.
void init_resnet_parameters(torch::nn::Module& model);

}  // namespace tunelab
