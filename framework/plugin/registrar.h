#pragma once
// Everything that can be registered, by kind. Built-in plugins and plugin
// libraries register into the same object through the same calls.

#include <string>
#include <vector>

#include "data/dataset.h"
#include "model/activation.h"
#include "model/block.h"
#include "model/model.h"
#include "registry/registry.h"
#include "search/sampler.h"
#include "train/loss.h"
#include "train/optimizer.h"

namespace tunelab {

struct Registrar {
  Registry<ActivationFactory> activations{"activation"};
  Registry<BlockFactory> blocks{"block"};
  Registry<ModelFactory> models{"model"};
  Registry<DatasetFactory> datasets{"dataset"};
  Registry<OptimizerFactory> optimizers{"optimizer"};
  Registry<LossFactory> losses{"loss"};
  Registry<SamplerFactory> samplers{"sampler"};
  Registry<PrunerFactory> pruners{"pruner"};
};

// One registered name, whatever its kind (for listings).
struct RegisteredName {
  std::string kind;
  std::string name;
  std::string summary;
  std::string origin;
};

std::vector<RegisteredName> list_registered(const Registrar& registrar);

}  // namespace tunelab
