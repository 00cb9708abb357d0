#pragma once
// Choosing an ensemble from trials' predictions on the same validation rows:
// Caruana et al.'s greedy selection with replacement ("Ensemble Selection
// from Libraries of Models", 2004), or the best K trials. Pure functions of
// the predictions, so that a selection can be checked on fixed numbers.

#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace tunelab {

// How bad a combination's predictions are (rows, columns): lower is better.
using EnsembleLoss = std::function<double(const at::Tensor& predicted)>;

// Up to `size` picks, with replacement: each adds the candidate whose
// addition makes the mean of the picks so far lowest in `loss`; ties go to
// the earlier candidate (callers list the better trials first). Keeps the
// picks up to the first with the lowest loss (Caruana et al. keep the best
// prefix too). Returns how many times each candidate was picked.
std::vector<int> greedy_selection(const std::vector<at::Tensor>& candidates, int size,
                                  const EnsembleLoss& loss);

// The validation metric an ensemble of a study is chosen by: the study's
// metric where it is one a combination of predictions has (val_rmse,
// val_accuracy, ...); else what val_loss measures, in the target's units:
// val_logloss for a classification, val_rmse for a regression, and for one
// trained on its target's log (`log_target`) val_log_rmse, the RMSE of the
// predictions' logs, which a few large targets do not dominate.
std::string selection_metric(const std::string& study_metric, bool classification,
                             bool log_target = false);

// The metric shown for an ensemble chosen by `selected_by` ("val_rmse" for
// val_log_rmse, which the recorded metrics do not hold), without "val_".
std::string shown_metric(const std::string& selected_by);

// `metric` (as selection_metric names it) of predictions against the rows'
// targets, as a loss: negated where larger is better; +inf where undefined;
// for a classifier, ties broken by the log loss.
EnsembleLoss ensemble_loss(const std::string& metric, bool classification,
                           const at::Tensor& targets);

// A combination's metrics on a split, prefixed ("val_", "test_").
std::map<std::string, double> ensemble_metrics(const at::Tensor& predicted,
                                               const at::Tensor& targets, bool classification,
                                               const std::string& prefix);

}  // namespace tunelab
