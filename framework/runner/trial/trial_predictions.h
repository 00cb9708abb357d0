#pragma once
// A trained trial's predictions as the store keeps them for ensembles: on
// the validation rows, and on the test rows, with the rows' targets.

#include <ATen/core/Tensor.h>

#include "runner/trial/trial_training.h"
#include "store/records.h"

namespace tunelab {

// Validation: the kept model's predictions on the validation rows; under
// folds, each fold model's on the rows it did not train on, fold after fold
// (every pooled row once, in the same order for every trial of a study).
// Test: the trial's model's (the folds' ensemble). In the target's units,
// or each class's probability, as metrics_on computes them.
TrialPredictions trial_predictions(const TrialTraining& trained, const Folds& data);

// A tensor (rows, columns) as the store's matrix, and back.
std::vector<float> matrix_values(const at::Tensor& t);
at::Tensor matrix_tensor(const std::vector<float>& values, std::int64_t rows, std::int64_t columns);

}  // namespace tunelab
