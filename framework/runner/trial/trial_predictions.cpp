#include "runner/trial/trial_predictions.h"

#include <ATen/ATen.h>

namespace tunelab {
namespace {

// One split's predictions and targets; an empty matrix without rows.
PredictionMatrix matrix_of(const at::Tensor& predicted, const at::Tensor& targets) {
  PredictionMatrix m;
  if (!predicted.defined() || predicted.size(0) == 0) return m;
  m.rows = predicted.size(0);
  m.columns = predicted.size(1);
  m.target_columns = targets.size(1);
  m.values = matrix_values(predicted);
  m.targets = matrix_values(targets);
  return m;
}

at::Tensor predicted_on(const TrainedModels& models, const Dataset& rows) {
  if (rows.rows() == 0 || models.members.empty()) return {};
  return predict_in_target_units(models, rows.x, rows.feature_columns());
}

}  // namespace

std::vector<float> matrix_values(const at::Tensor& t) {
  const at::Tensor flat = t.to(at::kCPU, at::kFloat).contiguous().view({-1});
  return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

at::Tensor matrix_tensor(const std::vector<float>& values, std::int64_t rows,
                         std::int64_t columns) {
  return at::tensor(at::ArrayRef<float>(values), at::kFloat).view({rows, columns});
}

TrialPredictions trial_predictions(const TrialTraining& trained, const Folds& data) {
  TrialPredictions out;
  const TrainedModels& models = trained.models;
  if (data.folds.empty() || models.members.size() != data.folds.size()) {
    const Dataset& val = data.whole.raw.val;
    out.val = matrix_of(predicted_on(models, val), val.y);
  } else {
    std::vector<at::Tensor> predicted, targets;
    for (std::size_t f = 0; f < data.folds.size(); ++f) {
      TrainedModels one;
      one.members = {models.members[f]};
      one.classes = models.classes;
      const Dataset& held_out = data.folds[f].raw.val;
      if (held_out.rows() == 0) continue;
      predicted.push_back(predicted_on(one, held_out));
      targets.push_back(held_out.y);
    }
    if (!predicted.empty()) out.val = matrix_of(at::cat(predicted), at::cat(targets));
  }
  const Dataset& test = data.whole.raw.test;
  out.test = matrix_of(predicted_on(models, test), test.y);
  return out;
}

}  // namespace tunelab
