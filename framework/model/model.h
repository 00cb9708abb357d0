#pragma once
// The plugin interface of kind `model`: assembles a network from the model
// section of an experiment, resolving blocks and activations by name.

#include <cstdint>
#include <functional>
#include <string>

#include <torch/nn/modules/container/sequential.h>
#include <nlohmann/json.hpp>

#include "model/activation.h"
#include "model/block.h"

namespace tunelab {

struct ModelSpec {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 1;
  // The model section without its `name` key.
  nlohmann::json settings;
  // The registered block the settings name at `key` (`fallback` where they
  // name none); an unknown name is a ConfigError at that key.
  std::function<const BlockFactory&(const std::string& key, const std::string& fallback)> block;
  // The same for an activation, with its options at `key`_args.
  std::function<MakeActivation(const std::string& key, const std::string& fallback)> activation;
};

using ModelFactory = std::function<torch::nn::Sequential(const ModelSpec&)>;

}  // namespace tunelab
