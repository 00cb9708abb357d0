#include "runner/trial/trial_metrics.h"

#include <cmath>

#include "train/metrics.h"

namespace tunelab {
namespace {

void add_prefixed(std::map<std::string, double>& out, const std::string& prefix,
                  const std::map<std::string, double>& metrics) {
  for (const auto& [name, value] : metrics) out[prefix + name] = value;
}

}  // namespace

std::map<std::string, double> metrics_on(const TrainedModels& models, const Dataset& rows) {
  if (rows.rows() == 0 || models.members.empty()) return {};
  const at::Tensor predicted = predict_in_target_units(models, rows.x, rows.feature_columns());
  return models.classes.empty() ? regression_metrics(predicted, rows.y)
                                : classification_metrics(predicted, rows.y);
}

std::map<std::string, double> trial_metrics(const TrialTraining& trained, const Folds& data) {
  std::map<std::string, double> out;
  const TrainedModels& models = trained.models;
  if (data.folds.empty() || models.members.size() != data.folds.size()) {
    add_prefixed(out, "val_", metrics_on(models, data.whole.raw.val));
  } else {
    // Each fold model on the rows it did not train on, averaged. A metric
    // that some fold cannot have (an AUC of one class) has no mean: the
    // folds that happen to have it are not the trial.
    std::map<std::string, std::pair<double, int>> sums;
    for (std::size_t f = 0; f < data.folds.size(); ++f) {
      TrainedModels one;
      one.members = {models.members[f]};
      one.classes = models.classes;
      for (const auto& [name, value] : metrics_on(one, data.folds[f].raw.val)) {
        auto& [sum, count] = sums[name];
        if (!std::isnan(value)) sum += value, ++count;
      }
    }
    for (const auto& [name, sum_count] : sums)
      out["val_" + name] = static_cast<std::size_t>(sum_count.second) == data.folds.size()
                               ? sum_count.first / sum_count.second
                               : std::nan("");
  }
  add_prefixed(out, "test_", metrics_on(models, data.whole.raw.test));
  return out;
}

}  // namespace tunelab
