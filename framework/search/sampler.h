#pragma once
// The plugin interfaces of kind `sampler` and `pruner`. A sampler proposes a
// trial's params from the search space and the history of finished trials; a
// pruner sees each epoch's values (the validation loss, or one per objective)
// and may stop a trial early.
// Neither sees models or data.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/space.h"
#include "search/trial_state.h"

namespace tunelab {

class Sampler {
 public:
  virtual ~Sampler() = default;
  // Params for trial `number`, given the finished trials in trial-number
  // order; std::nullopt when the space is exhausted (a finished grid). Must
  // depend only on the seed it was made with, `number` and `history`.
  virtual std::optional<Params> propose(int number, const std::vector<FinishedTrial>& history) = 0;
  // False for samplers whose proposals ignore the history (random, a
  // design): in a parallel study their trials need not wait for others.
  virtual bool reads_history() const { return true; }
  // For a sampler that hands each proposal to one of several others (auto):
  // the name of the one that made the last proposal, recorded with the
  // trial. Empty: this sampler itself.
  virtual std::string last_proposer() const { return {}; }
  // Whether it can search a study of several objectives (FinishedTrial::
  // values): true for those that ignore the history, and for samplers made
  // for it (nsga2). A study of several objectives refuses the others.
  virtual bool handles_several_objectives() const { return !reads_history(); }
};

struct SamplerRequest {
  nlohmann::json args;  // search.sampler without its name
  const SearchSpace* space = nullptr;
  std::uint64_t seed = 0;
  // The trial budget the study was created with (for designs such as a Latin
  // hypercube; a resumed study keeps it even when given more trials).
  int trials = 1;
  // How many objectives the study has (FinishedTrial::values).
  int objectives = 1;
};

using SamplerFactory = std::function<std::unique_ptr<Sampler>(const SamplerRequest&)>;

// What a pruner compares for one trial at one epoch: a value for each
// objective it decides on, every one a loss (lower is better). A study of
// one objective gives one: the epoch's validation loss.
using EpochValues = std::vector<double>;

// A finished trial as a pruner sees it: its number, state and curve.
struct TrialCurve {
  int number = 0;
  TrialState state = TrialState::complete;
  std::vector<EpochValues> epochs;  // epochs[e - 1]: at epoch e
};

class Pruner {
 public:
  virtual ~Pruner() = default;
  // Whether trial `number` should stop after `epoch` (from 1), where it has
  // `values`, given the finished trials' curves (each the same size as
  // `values`). With several values, "better" is dominance.
  virtual bool should_prune(int number, int epoch, const EpochValues& values,
                            const std::vector<TrialCurve>& history) = 0;
  // False for a pruner that never looks at the history (none).
  virtual bool reads_history() const { return true; }
};

using PrunerFactory = std::function<std::unique_ptr<Pruner>(const nlohmann::json& args)>;

}  // namespace tunelab
