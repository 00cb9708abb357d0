#pragma once
// Assembly: turns the model section of an experiment into a network, and
// the trainer section into an optimizer and a loss, resolving the names they
// give in the registrar.

#include <cstdint>
#include <string>

#include <torch/nn/modules/container/sequential.h>
#include <nlohmann/json.hpp>

#include "model/activation.h"
#include "model/block.h"
#include "model/model_config.h"
#include "train/trainer.h"

namespace tunelab {

struct Registrar;

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

// The loss the trainer section names, with its arguments: what training
// minimises, and what predictions and ensembles are scored with. Errors carry
// keys under "trainer.".
Loss loss_from(const Registrar& registrar, const TrainerConfig& config);

// The registered losses for classes (`classes`) or for numbers, in the order
// they were registered: the first is a classification's default.
std::vector<std::string> losses_for(const Registrar& registrar, bool classes);

// The optimizer and loss the trainer section names, and the hand-written
// steps the registered blocks offer. Errors carry keys under "trainer." (the
// optimizer's arguments are checked when it is made).
TrainingComponents training_components(const Registrar& registrar, const TrainerConfig& config);

}  // namespace tunelab
