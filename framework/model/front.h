#pragma once
// A network with a module in front of it: what the embedding fronts
// (embedding_front.h, periodic_front.h) put before the model's own layers.

#include <string>

#include <torch/nn/modules/container/sequential.h>

namespace tunelab {

// `model`'s children, in order and by name, after `front` named `name`.
template <typename Front>
torch::nn::Sequential with_front(std::string name, const Front& front,
                                 const torch::nn::Sequential& model) {
  torch::nn::Sequential out;
  out->push_back(std::move(name), front);
  const auto names = model->named_children().keys();
  std::size_t i = 0;
  for (const auto& child : *model) out->push_back(names[i++], child);
  return out;
}

}  // namespace tunelab
