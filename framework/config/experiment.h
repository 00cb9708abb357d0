#pragma once
// An experiment, as read from its YAML file: what to train, on what, how.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/split.h"
#include "data/task.h"
#include "model/model_config.h"
#include "search/constraints.h"
#include "search/direction.h"
#include "search/space.h"
#include "train/trainer_config.h"

namespace tunelab {

// How standardize.x scales the numeric features (data.scaling).
enum class NumericScaling { standard, robust, quantile };

struct DataConfig {
  std::string dataset;
  nlohmann::json args = nlohmann::json::object();
  SplitFractions split;
  bool standardize_x = false;
  bool standardize_y = false;
  int folds = 1;  // > 1: k-fold cross-validation over the train and val rows
  // Categorical columns as one-hot columns, or as learned embeddings of
  // `embedding_width` numbers each.
  CategoricalEncoding encoding = CategoricalEncoding::onehot;
  int embedding_width = 4;
  // `missing_target: drop`: rows whose target is missing are left out, and
  // the run says how many; else such a row is refused at its line.
  bool drop_missing_target = false;
  // `target_transform: log`: a regression trains on the target's log (a
  // price, a count), its metrics still in the target's units.
  bool log_target = false;
  // With standardize.x: `scaling: robust` (median and interquartile range)
  // or `quantile` (each numeric feature mapped through its training rows'
  // quantiles onto a normal distribution; `quantiles` of them, 0: 1000, or
  // the training rows where there are fewer) rather than standard, and
  // `smooth_clip` squashing far values.
  NumericScaling scaling = NumericScaling::standard;
  int quantiles = 0;
  bool smooth_clip_x = false;
  // `numeric_embedding: plr`: each numeric column embedded by the model's
  // front (model/periodic_front.h), with `plr_frequencies` learned
  // frequencies starting at a spread of `plr_sigma`, to `plr_width` numbers.
  bool plr = false;
  int plr_frequencies = 48;
  int plr_width = 24;
  double plr_sigma = 0.1;
};

// What to tune, over what, how long. Without a space, a study is one run.
struct SearchConfig {
  // What a trial is judged by, each metric with its direction: one
  // (search.metric and search.direction), or several (search.objectives).
  // A metric is the loss it trains with on a split (val_loss, ...), a metric
  // of the split's rows in the target's units (config/metric_catalogue.h),
  // or "value" (the function's) for an objective experiment.
  std::vector<Objective> objectives = {Objective{"val_loss", Direction::minimize}};
  bool several_objectives() const { return objectives.size() > 1; }
  // The first objective's: the one that picks the best trial.
  const std::string& metric() const { return objectives.front().metric; }
  Direction direction() const { return objectives.front().direction; }
  int trials = 1;
  double timeout_seconds = 0;  // 0: no time limit
  // How many trials run at once, over all worker processes: trial k is
  // proposed from the trials numbered up to k - workers.
  int workers = 1;
  std::string sampler = "random";
  nlohmann::json sampler_args = nlohmann::json::object();
  std::string pruner = "none";
  nlohmann::json pruner_args = nlohmann::json::object();
  // search.pruner.objective: the one objective the pruner decides on; empty:
  // the validation loss, or with several objectives all of them.
  std::string pruner_objective;
  SearchSpace space;
  // Configurations to try first, in order: trial k < enqueue.size() runs
  // enqueue[k]'s values, its other params as the sampler proposes them.
  std::vector<Params> enqueue;
  // Earlier studies whose finished trials the sampler sees as history
  // (not trials of this study, not counted in its budget): by name, in the
  // same store as this study unless `storage` names another.
  struct WarmStart {
    std::string study;
    std::string storage;  // empty: this study's store
  };
  std::vector<WarmStart> warm_start;
  // search.constraints: bounds a trial must keep to be feasible (an
  // infeasible trial is complete, never the best); none: every trial is.
  std::vector<Constraint> constraints;
  // search.ensemble: after the study, an ensemble of its trials (runner/
  // ensemble.h); size 0: none.
  struct Ensemble {
    int size = 0;
    std::string method = "greedy";  // or "top"
  };
  Ensemble ensemble;
};

// An objective experiment evaluates a registered function (kind `objective`)
// at each trial's params instead of training a model on data.
struct ObjectiveConfig {
  std::string name;                                   // empty: train (data, model, trainer)
  nlohmann::json section = nlohmann::json::object();  // without its name
};

struct ExperimentConfig {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  std::string device = "auto";
  Task task = Task::automatic;
  // Plugin libraries to load, as written (relative to the file's folder).
  std::vector<std::string> plugins;
  DataConfig data;
  ModelConfig model;
  TrainerConfig trainer;
  SearchConfig search;
  ObjectiveConfig objective;

  bool evaluates_objective() const { return !objective.name.empty(); }
};

// The resolved configuration, defaults filled in, as the file would state it.
nlohmann::json to_json(const ExperimentConfig& config);

}  // namespace tunelab
