#pragma once
// How good predictions are, in the target's own units: RMSE, MAE and R² for
// regression; accuracy, log loss, ROC AUC and F1 for classification.

#include <map>
#include <string>

#include <ATen/core/Tensor.h>

namespace tunelab {

// A model's outputs as class probabilities (rows, classes): the sigmoid of
// one logit (two classes: [1 - p, p]), else the softmax of one per class.
at::Tensor class_probabilities(const at::Tensor& logits);

// rmse, mae and r2 of `predicted` against `actual`, both (rows, targets) in
// the target's units (averaged over targets). r2 is NaN where the targets
// do not vary.
std::map<std::string, double> regression_metrics(const at::Tensor& predicted,
                                                 const at::Tensor& actual);

// accuracy, logloss and auc (one-vs-rest, macro-averaged over the classes
// present, for more than two) from probabilities (rows, classes) and class
// codes (rows, 1); for two classes also f1 (of the second class, the
// "positive" one in sorted order: 1 of 0/1, "yes" of no/yes).
std::map<std::string, double> classification_metrics(const at::Tensor& probabilities,
                                                     const at::Tensor& codes);

// The mean negative log probability of each row's class (probabilities
// clipped at 1e-15, as scikit-learn's log_loss does).
double log_loss(const at::Tensor& probabilities, const at::Tensor& codes);

}  // namespace tunelab
