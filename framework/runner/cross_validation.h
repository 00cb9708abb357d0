#pragma once
// k-fold cross-validation of a trial (data.folds > 1), for small data sets
// where one small validation split is easy to overfit: the split's training
// and validation rows are pooled and cut into k folds; the model trains k
// times, each time validating on one fold and training on the others, and
// the trial's losses are the means over the folds. The test rows stay apart.

#include <filesystem>
#include <vector>

#include "runner/single_run.h"

namespace tunelab {

// The folds: fold f validates on the f-th of k equal parts of the pooled
// rows (in the split's shuffled order) and trains on the rest, with the
// standardisation fitted on its own training rows. ConfigError
// ("data.folds") when there are fewer than 2 rows per fold.
std::vector<PreparedData> fold_data(const ExperimentConfig& config,
                                    const std::filesystem::path& base_dir,
                                    const Registrar& registrar);

struct CrossValidation {
  // Per-epoch losses averaged over the folds that reached each epoch; the
  // validation and test losses are the means of the folds' (each fold's of
  // its kept weights); best_epoch is the first fold's.
  TrainResult mean;
  // The first fold's run: its model's weights are the ones a study keeps.
  RunSummary first_fold;
};

// Trains every fold with the trial's seed. `on_epoch` sees the first fold's
// epochs: a pruner decides there, and a trial stopped in the first fold
// trains no other.
CrossValidation cross_validate(const ExperimentConfig& config,
                               const std::vector<PreparedData>& folds, const Registrar& registrar,
                               std::uint64_t seed, const EpochCallback& on_epoch);

}  // namespace tunelab
