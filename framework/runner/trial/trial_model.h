#pragma once
// The network a trial trains: the model section's, behind the fronts the
// data asks for.

#include <cstdint>
#include <optional>

#include <torch/nn/modules/container/sequential.h>

#include "config/experiment_loader.h"
#include "data/split.h"

namespace tunelab {

struct Registrar;

// build_model, with a model too large for the machine's memory reported as
// ConfigError("model", "does not fit in memory: ...").
torch::nn::Sequential build_model_within_memory(const Registrar& registrar,
                                                const ModelConfig& config, std::int64_t inputs,
                                                std::int64_t outputs);

// The trial's network: the model section's, behind an embedding front
// where `encoding` embeds categorical columns (data.encoding: embedding),
// and a periodic front where data.numeric_embedding asks for one, for
// `inputs` encoded columns and `outputs` outputs.
torch::nn::Sequential build_trial_model(const Registrar& registrar, const ExperimentConfig& config,
                                        const std::optional<FeatureEncoding>& encoding,
                                        std::int64_t inputs, std::int64_t outputs);

}  // namespace tunelab
