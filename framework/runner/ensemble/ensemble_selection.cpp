#include "runner/ensemble/ensemble_selection.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "search/direction.h"
#include "train/metrics.h"

namespace tunelab {
namespace {

std::map<std::string, double> metrics_of(const at::Tensor& predicted, const at::Tensor& targets,
                                         bool classification) {
  return classification ? classification_metrics(predicted, targets)
                        : regression_metrics(predicted, targets);
}

}  // namespace

std::vector<int> greedy_selection(const std::vector<at::Tensor>& candidates, int size,
                                  const EnsembleLoss& loss) {
  std::vector<int> picks(candidates.size(), 0), best_picks = picks;
  if (candidates.empty()) return picks;
  at::Tensor sum = at::zeros_like(candidates.front());
  double best = std::numeric_limits<double>::infinity();
  for (int k = 1; k <= size; ++k) {
    std::size_t chosen = 0;
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const double l = loss((sum + candidates[i]) / static_cast<double>(k));
      if (l < lowest) lowest = l, chosen = i;
    }
    sum += candidates[chosen];
    ++picks[chosen];
    // Later picks that only match the earlier ones' score add weight to the
    // validation rows' noise: the shortest best prefix is kept.
    if (lowest < best) best = lowest, best_picks = picks;
  }
  // Every combination undefined (no finite score): all the picks.
  return std::accumulate(best_picks.begin(), best_picks.end(), 0) > 0 ? best_picks : picks;
}

std::string selection_metric(const std::string& study_metric, bool classification,
                             bool log_target) {
  static const std::vector<std::string> regression = {"val_rmse", "val_mae", "val_r2"};
  static const std::vector<std::string> classes = {"val_accuracy", "val_logloss", "val_auc",
                                                   "val_f1"};
  const auto& known = classification ? classes : regression;
  for (const auto& name : known)
    if (name == study_metric) return name;
  if (classification) return "val_logloss";
  return log_target ? "val_log_rmse" : "val_rmse";
}

std::string shown_metric(const std::string& selected_by) {
  return selected_by == "val_log_rmse" ? "rmse" : selected_by.substr(selected_by.find('_') + 1);
}

EnsembleLoss ensemble_loss(const std::string& metric, bool classification,
                           const at::Tensor& targets) {
  const std::string name = metric.substr(metric.find('_') + 1);
  if (name == "log_rmse") {
    const at::Tensor log_targets = targets.log();
    return EnsembleLoss([=](const at::Tensor& predicted) {
      const double value = (predicted.log() - log_targets).square().mean().sqrt().item<double>();
      return std::isnan(value) ? std::numeric_limits<double>::infinity() : value;
    });
  }
  const bool larger_better = natural_direction(metric) == Direction::maximize;
  return [=](const at::Tensor& predicted) {
    const auto metrics = metrics_of(predicted, targets, classification);
    const auto found = metrics.find(name);
    if (found == metrics.end() || std::isnan(found->second))
      return std::numeric_limits<double>::infinity();
    const double value = larger_better ? -found->second : found->second;
    // Accuracy (and F1) step in units of a row: many combinations tie, and a
    // worse model would get in on the tie. The log loss (at most 35 per row
    // with its clipping) breaks ties, scaled to stay below one row's step in
    // tables of up to 28 million rows.
    if (!classification || name == "logloss") return value;
    return value + 1e-9 * metrics.at("logloss");
  };
}

std::map<std::string, double> ensemble_metrics(const at::Tensor& predicted,
                                               const at::Tensor& targets, bool classification,
                                               const std::string& prefix) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : metrics_of(predicted, targets, classification))
    out[prefix + name] = value;
  return out;
}

}  // namespace tunelab
