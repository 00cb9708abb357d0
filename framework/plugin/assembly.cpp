#include "plugin/assembly.h"

#include <torch/torch.h>

#include "common/args.h"
#include "common/errors.h"
#include "plugin/registrar.h"

namespace tunelab {

torch::nn::Sequential build_model(const Registrar& registrar, const ModelConfig& config,
                                  std::int64_t input_dim, std::int64_t output_dim) {
  const ModelFactory& factory = registrar.models.factory_at("model.name", config.name);
  try {
    ModelSpec spec{input_dim, output_dim, config.settings, {}, {}};
    spec.block = [&registrar, &config](const std::string& key,
                                       const std::string& fallback) -> const BlockFactory& {
      return block_from(registrar, config.settings, key, fallback);
    };
    spec.activation = [&registrar, &config](const std::string& key, const std::string& fallback) {
      return activation_from(registrar, config.settings, key, fallback);
    };
    return factory(spec);
  } catch (const ConfigError& e) {
    throw e.under("model");
  }
}

MakeActivation activation_from(const Registrar& registrar, const nlohmann::json& settings,
                               const std::string& key, const std::string& fallback) {
  const Args args(settings);
  const std::string name = args.text(key, fallback);
  const ActivationFactory* factory = &registrar.activations.factory_at(key, name);
  const nlohmann::json act_args = args.section(key + "_args");
  // Build one now so bad arguments fail at assembly, not mid-forward.
  try {
    (*factory)(act_args);
  } catch (const ConfigError& e) {
    throw e.under(key + "_args");
  }
  return [factory, act_args] { return (*factory)(act_args); };
}

const BlockFactory& block_from(const Registrar& registrar, const nlohmann::json& settings,
                               const std::string& key, const std::string& fallback) {
  const std::string name = Args(settings).text(key, fallback);
  return registrar.blocks.factory_at(key, name).make;
}

Loss loss_from(const Registrar& registrar, const TrainerConfig& config) {
  const LossFactory& loss = registrar.losses.factory_at("trainer.loss", config.loss);
  try {
    return loss(config.loss_args);
  } catch (const ConfigError& e) {
    throw e.under("trainer.loss_args");
  }
}

std::vector<std::string> losses_for(const Registrar& registrar, bool classes) {
  return registrar.losses.names_where([classes](const LossFactory& make) {
    return make(nlohmann::json::object()).for_classes == classes;
  });
}

TrainingComponents training_components(const Registrar& registrar, const TrainerConfig& config) {
  const OptimizerMaker& optimizer =
      registrar.optimizers.factory_at("trainer.optimizer", config.optimizer);
  TrainingComponents components;
  components.make_optimizer = [&optimizer](std::vector<at::Tensor> parameters,
                                           const OptimizerSettings& settings) {
    try {
      return optimizer.make(std::move(parameters), settings);
    } catch (const ConfigError& e) {
      throw e.under("trainer.optimizer_args");
    }
  };
  components.optimizer = optimizer.traits;
  components.loss = loss_from(registrar, config);
  for (const auto& block : registrar.blocks.entries())
    if (block.factory.lean_step) components.lean_blocks.push_back(block.factory.lean_step);
  return components;
}

}  // namespace tunelab
