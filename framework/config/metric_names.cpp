#include "config/metric_names.h"

namespace tunelab {
namespace {

const std::vector<std::string> kRegressionMetrics = {"rmse", "mae", "r2"};
const std::vector<std::string> kClassificationMetrics = {"accuracy", "logloss", "auc", "f1"};

bool has_suffix_in(const std::string& metric, const std::vector<std::string>& names) {
  for (const auto& name : names)
    for (const char* split : {"val_", "test_"})
      if (metric == split + name) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& training_metrics() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = {"val_loss", "test_loss", "train_loss"};
    // What a trial costs, to trade against its accuracy (several objectives).
    out.insert(out.end(), {"n_params", "train_seconds", "predict_ms_per_1k_rows"});
    for (const char* split : {"val_", "test_"}) {
      for (const auto& name : kRegressionMetrics) out.push_back(split + name);
      for (const auto& name : kClassificationMetrics) out.push_back(split + name);
    }
    return out;
  }();
  return names;
}

bool is_classification_metric(const std::string& metric) {
  return has_suffix_in(metric, kClassificationMetrics);
}

bool is_regression_metric(const std::string& metric) {
  return has_suffix_in(metric, kRegressionMetrics);
}

}  // namespace tunelab
