#pragma once
// A trial's training, as a study runs it and as `rerun` repeats it: one
// model on the split, or (data.folds > 1) one model per fold, whose mean is
// the trial's curve and whose ensemble is the trial's model. One function for
// both, so that a rerun rebuilds exactly what the trial trained.

#include <cstdint>
#include <filesystem>

#include "runner/trial/cross_validation.h"
#include "runner/trial/single_run.h"
#include "runner/trial/trained_model.h"

namespace tunelab {

struct Registrar;

// The data a trial trains on, prepared as the study prepares it: the split,
// standardised, and its folds when the experiment has data.folds > 1 (none
// otherwise). Throws ConfigError / DataError for bad input.
Folds load_trial_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                      const Registrar& registrar);

struct TrialTraining {
  RunSummary run;        // the model's run; for folds, the first fold's
  TrainResult result;    // the trial's losses; for folds, the means over the folds
  TrainedModels models;  // what predicts: the one model, or the folds' ensemble
};

// Trains the trial seeded with `seed` on `data` (load_trial_data's).
// `on_epoch` sees the trial's epochs (the first fold's) and may stop it.
TrialTraining train_trial_on(const ExperimentConfig& config, const Folds& data,
                             const Registrar& registrar, std::uint64_t seed,
                             const EpochCallback& on_epoch = {});

}  // namespace tunelab
