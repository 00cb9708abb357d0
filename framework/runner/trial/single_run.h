#pragma once
// One training run of an experiment on prepared data: the model seeded and
// built, trained, its kept weights and curve.

#include <cstdint>
#include <string>

#include "config/experiment_loader.h"
#include "runner/prepare/prepared_data.h"
#include "train/trainer.h"

namespace tunelab {

struct Registrar;

struct RunSummary {
  std::int64_t train_rows = 0, val_rows = 0, test_rows = 0, features = 0;
  std::int64_t parameters = 0;
  std::string device;
  std::uint64_t trial_seed = 0;
  TrainResult result;
  torch::nn::Sequential model;  // with the kept weights
};

// `config`'s trainer settings for `data`: a classifier whose file names no
// loss trains with the first registered loss for classes. ConfigError
// ("trainer.loss") for a loss of the other task (mse for classes,
// cross_entropy for values).
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

// prepare_data and train_trial with trial 0's seed. Throws ConfigError /
// DataError for bad input, TrainingError when training fails.
RunSummary run_single(const Experiment& experiment, const Registrar& registrar,
                      const EpochCallback& on_epoch = {});

}  // namespace tunelab
