#pragma once
// The autograd graph of one forward pass, as torchviz's make_dot draws it:
// one node per backward operation, parameters (named, with shapes) as leaves,
// the output at the bottom. Written as Graphviz DOT.

#include <string>

#include <torch/nn/modules/container/sequential.h>

namespace tunelab {

// Runs `model` forward once in eval mode (running statistics untouched) on a
// batch of two zero rows with `input_dim` features.
std::string autograd_graph_dot(torch::nn::Sequential& model, std::int64_t input_dim);

// Renders DOT text with Graphviz's `dot` as "svg" or "png".
std::string render_dot(const std::string& dot, const std::string& format);

}  // namespace tunelab
