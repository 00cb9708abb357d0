#pragma once
// The plugin interface of kind `model`: assembles a network from the model
// section of an experiment, resolving blocks and activations by name.

#include <cstdint>
#include <functional>
#include <string>

#include <torch/nn/modules/container/sequential.h>
#include <nlohmann/json.hpp>

namespace tunelab {

struct Registrar;

struct ModelSpec {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 1;
  // The model section without its `name` key.
  nlohmann::json settings;
  const Registrar* registrar = nullptr;
};

using ModelFactory = std::function<torch::nn::Sequential(const ModelSpec&)>;

}  // namespace tunelab
