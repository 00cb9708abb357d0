#pragma once
// One training run of an experiment: data, split, standardisation, model,
// training, seeded from the experiment's root seed.

#include <cstdint>
#include <string>

#include "config/experiment_loader.h"
#include "train/trainer.h"

namespace tunelab {

struct Registrar;

// The data every trial of a study trains on: loaded, split and standardised
// once with seeds derived from the root seed.
struct PreparedData {
  Splits splits;  // encoded (and standardised where asked): what the model reads
  Splits raw;     // the same rows as the data set holds them
  // The model's inputs (encoded columns) and outputs (targets, or logits).
  std::int64_t features = 0, targets = 0;
  std::string digest;  // fingerprint of the data set's values
  Scaling scaling;     // fitted on the training rows
  std::vector<std::string> feature_names, target_names;
  std::vector<std::string> classes;  // classification: the class labels
  std::vector<std::string> notes;    // the data set's, on how it was read
};

struct RunSummary {
  std::int64_t train_rows = 0, val_rows = 0, test_rows = 0, features = 0;
  std::int64_t parameters = 0;
  std::string device;
  std::uint64_t trial_seed = 0;
  TrainResult result;
  torch::nn::Sequential model;  // with the kept weights
};

// build_model, with a model too large for the machine's memory reported as
// ConfigError("model", "does not fit in memory: ...").
torch::nn::Sequential build_model_within_memory(const Registrar& registrar,
                                                const ModelConfig& config, std::int64_t inputs,
                                                std::int64_t outputs);

// The trial's network: the model section's, behind an embedding front
// where `encoding` embeds categorical columns (data.encoding: embedding),
// for `inputs` encoded columns and `outputs` outputs.
torch::nn::Sequential build_trial_model(const Registrar& registrar, const ExperimentConfig& config,
                                        const std::optional<FeatureEncoding>& encoding,
                                        std::int64_t inputs, std::int64_t outputs);

// Resolves every registry name and builds the model, optimizer and loss once,
// without loading data, so that mistakes surface before anything runs.
// Throws ConfigError keyed by the offending value.
void check_config(const ExperimentConfig& config, const Registrar& registrar);

// check_config, plus the search: sampler and pruner, and every dimension of
// the space at its ends and every choice, set into the experiment.
void check_experiment(const Experiment& experiment, const Registrar& registrar);

// The experiment's data set, generated with the seed derived from the root
// seed, its targets made what the experiment's task asks (data/task.h).
// Throws ConfigError / DataError for bad input.
Dataset load_dataset(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                     const Registrar& registrar);

// load_dataset, then split and standardise with seeds derived from the root
// seed. Throws ConfigError / DataError for bad input.
PreparedData prepare_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                          const Registrar& registrar);

// The same for a data set already loaded.
PreparedData prepare_data(const ExperimentConfig& config, const Dataset& dataset);

// Splits whose raw rows are `raw`, encoded and standardised as `config` asks
// with what the training rows give (for a fold of the split, too).
PreparedData prepare_splits(const ExperimentConfig& config, const Dataset& dataset, Splits raw);

// ConfigError("search.metric") for a metric the data's task does not
// record (val_accuracy of a regression, val_rmse of a classifier, f1 of
// three classes).
void check_metric_for_task(const ExperimentConfig& config, const PreparedData& data);

// `config`'s trainer settings for `data`: a classifier whose file names no
// loss trains with cross_entropy. ConfigError("trainer.loss") for a loss
// of the other task (mse for classes, cross_entropy for values).
TrainerConfig trainer_for(const ExperimentConfig& config, const PreparedData& data,
                          const Registrar& registrar);

// Seeds everything with `seed` and builds the model: a trial before training
// (summary.result is empty).
RunSummary prepare_trial(const ExperimentConfig& config, const PreparedData& data,
                         const Registrar& registrar, std::uint64_t seed);

// prepare_trial, then trains the model.
RunSummary train_trial(const ExperimentConfig& config, const PreparedData& data,
                       const Registrar& registrar, std::uint64_t seed,
                       const EpochCallback& on_epoch = {});

// An objective experiment's function at the point its objective section
// states: its outputs by name ("value" for a function of one). ConfigError
// ("objective.x1") for an input that is missing or not a number.
std::map<std::string, double> evaluate_objective(const ExperimentConfig& config,
                                                 const Registrar& registrar);

// prepare_data and train_trial with trial 0's seed. Throws ConfigError /
// DataError for bad input, TrainingError when training fails.
RunSummary run_single(const Experiment& experiment, const Registrar& registrar,
                      const EpochCallback& on_epoch = {});

}  // namespace tunelab
