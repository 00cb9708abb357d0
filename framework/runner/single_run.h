#pragma once
// One training run of an experiment: data, split, standardisation, model,
// training, seeded from the experiment's root seed.

#include <cstdint>
#include <string>

#include "config/experiment_loader.h"
#include "train/trainer.h"

namespace tunelab {

struct Registrar;

struct RunSummary {
  std::int64_t train_rows = 0, val_rows = 0, test_rows = 0, features = 0;
  std::int64_t parameters = 0;
  std::string device;
  std::uint64_t trial_seed = 0;
  TrainResult result;
};

// Resolves every registry name and builds the model, optimizer and loss once,
// without loading data, so that mistakes surface before anything runs.
// Throws ConfigError keyed by the offending value.
void check_experiment(const ExperimentConfig& config, const Registrar& registrar);

// Throws ConfigError / DataError for bad input, TrainingError when training
// fails.
RunSummary run_single(const Experiment& experiment, const Registrar& registrar,
                      const EpochCallback& on_epoch = {});

}  // namespace tunelab
