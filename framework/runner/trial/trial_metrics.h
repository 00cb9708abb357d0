#pragma once
// A trained trial's metrics in the target's own units, on the split's rows:
// val_rmse, val_mae, val_r2, test_... for regression; val_accuracy,
// val_logloss, val_auc, val_f1 (two classes), test_... for classification.

#include <map>
#include <string>

#include "runner/trial/trial_training.h"

namespace tunelab {

// The validation metrics are the kept model's on the validation rows; under
// folds, the mean over the folds of each fold model's on its held-out rows.
// The test metrics are the trial's model's (the folds' ensemble) on the test
// rows. A split without rows has none.
std::map<std::string, double> trial_metrics(const TrialTraining& trained, const Folds& data);

// The metrics of `models` on the raw rows of `rows` (none without rows).
std::map<std::string, double> metrics_on(const TrainedModels& models, const Dataset& rows);

}  // namespace tunelab
