#pragma once
// What a trial leaves to predict with: one trained model, or the k models of a
// cross-validated trial (data.folds), each with the scaling it trained with.

#include <vector>

#include <torch/nn/modules/container/sequential.h>

#include "data/split.h"

namespace tunelab {

struct TrainedModel {
  torch::nn::Sequential model;
  Scaling scaling;  // fitted on the rows it trained on
};

struct TrainedModels {
  // One model; for k folds, k models whose predictions are averaged (each
  // saw different rows, so the mean varies less than any of them).
  std::vector<TrainedModel> members;
  // The scaling the trial's losses are reported in: the one model's own; for
  // folds, the split's training rows' (as without folds, so that test
  // losses compare across studies).
  Scaling units;
  // Classification: the class labels, in the order of the outputs'
  // probabilities. Empty for regression.
  std::vector<std::string> classes;
};

// The mean of the members' predictions for raw rows `x` (as a Dataset holds
// them: categorical codes index the levels of `columns`): the targets'
// values in their own units, or for classification each class's
// probability (rows, classes). Each member encodes and scales `x` its own
// way.
at::Tensor predict_in_target_units(const TrainedModels& models, const at::Tensor& x,
                                   const std::vector<FeatureColumn>& columns);

}  // namespace tunelab
