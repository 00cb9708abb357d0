#pragma once
// Model assembly: turns the model section of an experiment into a network.

#include <cstdint>
#include <string>

#include <torch/nn/modules/container/sequential.h>
#include <nlohmann/json.hpp>

#include "model/activation.h"
#include "model/block.h"

namespace tunelab {

struct Registrar;

struct ModelConfig {
  std::string name = "resnet";
  // Every other key of the model section, handed to the model's factory.
  nlohmann::json settings = nlohmann::json::object();
};

// Errors carry keys under "model." so they point into the experiment file.
torch::nn::Sequential build_model(const Registrar& registrar, const ModelConfig& config,
                                  std::int64_t input_dim, std::int64_t output_dim);

// Resolves `settings[key]` (an activation name) and optional `settings[key +
// "_args"]`; errors are ConfigErrors keyed relative to the model section.
MakeActivation activation_from(const Registrar& registrar, const nlohmann::json& settings,
                               const std::string& key, const std::string& fallback);

// Resolves the block named by `settings[key]`.
const BlockFactory& block_from(const Registrar& registrar, const nlohmann::json& settings,
                               const std::string& key, const std::string& fallback);

std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace tunelab
