#pragma once
// Everything that can be registered, by kind. Built-in plugins and plugin
// libraries register into the same object through the same calls.

#include <filesystem>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "model/activation.h"
#include "model/block.h"
#include "model/model.h"
#include "registry/registry.h"
#include "search/objective.h"
#include "search/sampler.h"
#include "train/lean_layer.h"
#include "train/loss.h"
#include "train/optimizer.h"

namespace tunelab {

// A plugin library that registered into a registrar (plugin/loader.h).
struct LoadedPlugin {
  std::filesystem::path file;  // absolute
  std::string name, version;
  std::string digest;  // fingerprint of the file's bytes
};

// A block as registered: how to make one, and optionally its training step
// written out by hand (train/lean_layer.h), which the trainer then uses for
// models made of such blocks. A plain factory registers without one.
struct BlockMaker {
  BlockFactory make;
  LeanLayerFactory lean_step;

  BlockMaker() = default;
  template <typename F, std::enable_if_t<std::is_constructible_v<BlockFactory, F>, int> = 0>
  BlockMaker(F make, LeanLayerFactory lean_step = {})  // NOLINT: implicit, as a plain factory
      : make(std::move(make)), lean_step(std::move(lean_step)) {}
};

struct Registrar {
  Registry<ActivationFactory> activations{"activation"};
  Registry<BlockMaker> blocks{"block"};
  Registry<ModelFactory> models{"model"};
  Registry<DatasetFactory> datasets{"dataset"};
  Registry<OptimizerMaker> optimizers{"optimizer"};
  Registry<LossFactory> losses{"loss"};
  Registry<SamplerFactory> samplers{"sampler"};
  Registry<PrunerFactory> pruners{"pruner"};
  Registry<ObjectiveFactory> objectives{"objective"};

  std::vector<LoadedPlugin> plugins;  // in load order
};

// Calls f(&Registrar::blocks), f(&Registrar::activations), ...: every
// registry, in listing order.
template <typename F>
void for_each_kind(F&& f) {
  f(&Registrar::blocks);
  f(&Registrar::activations);
  f(&Registrar::models);
  f(&Registrar::datasets);
  f(&Registrar::optimizers);
  f(&Registrar::losses);
  f(&Registrar::samplers);
  f(&Registrar::pruners);
  f(&Registrar::objectives);
}

// Moves every entry of `from` into `into` with `origin`, all or nothing:
// RegistryError, and `into` unchanged, when a name is already taken.
void adopt(Registrar& into, Registrar&& from, const std::string& origin);

// One registered name, whatever its kind (for listings).
struct RegisteredName {
  std::string kind;
  std::string name;
  std::string summary;
  std::string origin;
  OptionSpecs options;
};

std::vector<RegisteredName> list_registered(const Registrar& registrar);

}  // namespace tunelab
