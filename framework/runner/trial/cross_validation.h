#pragma once
// k-fold cross-validation of a trial (data.folds > 1), for small data sets
// where one small validation split is easy to overfit: the split's training
// and validation rows are pooled and cut into k folds; the model trains k
// times, each time validating on one fold and training on the others, and
// the trial's losses are the means over the folds. The test rows stay apart;
// the trial's model is the ensemble of its fold models.

#include <filesystem>
#include <vector>

#include "runner/prepare/prepared_data.h"
#include "runner/trial/single_run.h"
#include "runner/trial/trained_model.h"

namespace tunelab {

struct Folds {
  // The split as a study without folds prepares it: its test rows and
  // scaling are the units the trial's test loss is reported in.
  PreparedData whole;
  // Fold f validates on the f-th of k equal parts of the pooled rows (in
  // the split's shuffled order) and trains on the rest, with the
  // standardisation fitted on its own training rows. None for a trial
  // without data.folds (runner/trial_training.h).
  std::vector<PreparedData> folds;
};

// ConfigError ("data.folds") when there are fewer than 2 rows per fold.
Folds fold_data(const ExperimentConfig& config, const std::filesystem::path& base_dir,
                const Registrar& registrar);

struct CrossValidation {
  // Per-epoch losses averaged over the folds that reached each epoch; the
  // validation loss is the mean of the folds' (each of its kept weights);
  // the test loss is the ensemble's, the mean of the folds' predictions, in
  // the units of the whole split; best_epoch is the first fold's.
  TrainResult mean;
  // The first fold's run (its size, device and seed describe the trial).
  RunSummary first_fold;
  // Every fold's model with its scaling, the units the whole split's; no
  // members when the caller stopped the first fold.
  TrainedModels models;
};

// Trains every fold with the trial's seed, side by side on the free cores
// (one after another on a GPU). `on_epoch` sees the first fold's epochs: a
// pruner decides there, and a trial stopped in the first fold stops its
// other folds too. The numbers do not depend on the threads: should training
// draw from LibTorch's global generator (a plugin's dropout), which threads
// would share in no fixed order, the folds train again one after another.
CrossValidation cross_validate(const ExperimentConfig& config, const Folds& folds,
                               const Registrar& registrar, std::uint64_t seed,
                               const EpochCallback& on_epoch);

}  // namespace tunelab
