#pragma once
// The metrics search.metric may name for a training experiment, and which
// task records each.

#include <string>
#include <vector>

namespace tunelab {

// The losses, and val_/test_ rmse, mae, r2 (regression), accuracy, logloss,
// auc, f1 (classification).
const std::vector<std::string>& training_metrics();

// Whether `metric` is one that only classification (or only regression)
// records; the losses are both.
bool is_classification_metric(const std::string& metric);
bool is_regression_metric(const std::string& metric);

}  // namespace tunelab
