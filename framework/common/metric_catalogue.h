#pragma once
// Every metric a trained trial records, once: its name, the task that has
// it, the split it is measured on, its natural direction, its unit, and the
// curve it has epoch by epoch. search.metric and search.objectives accept
// these names; directions, the pruners' curves, the experiment checks, the
// report and the run's summary ask this catalogue rather than the names.

#include <string>
#include <vector>

namespace tunelab {

enum class MetricTask { any, regression, classification };
enum class MetricSplit { train, val, test, cost };  // cost: what the trial cost, not a split's
// What a pruner can compare epoch by epoch for the metric (none: measured
// once the trial has trained).
enum class MetricCurve { none, validation_loss, training_loss, parameters, seconds };

struct MetricInfo {
  std::string name;     // "val_rmse"
  std::string measure;  // "rmse": the name without its split
  MetricTask task = MetricTask::any;
  MetricSplit split = MetricSplit::val;
  bool maximized = false;  // accuracy, AUC, F1, R²; losses and errors are minimised
  std::string unit;        // "target's units", "loss's units", "parameters", ...
  MetricCurve curve = MetricCurve::none;
  // Classification: the split's rows must hold two classes (AUC, F1), and
  // the target at most two (F1, of the second class).
  bool needs_two_classes = false;
  bool two_classes_only = false;
};

// In the order messages list them: the losses, the costs, then the val_
// and test_ metrics of each task.
const std::vector<MetricInfo>& metric_catalogue();

// nullptr for a name that is not a training metric (an objective function's
// output, "value").
const MetricInfo* metric_info(const std::string& name);

// The names, in the catalogue's order.
std::vector<std::string> metric_names();

// The same measure on the test rows ("val_rmse" -> "test_rmse"); empty for
// one that is not measured on the validation rows.
std::string test_counterpart(const std::string& name);

}  // namespace tunelab
