#include "common/metric_catalogue.h"

namespace tunelab {
namespace {

std::vector<MetricInfo> make_catalogue() {
  const std::string loss_units = "the loss's units (standardised when the target is)";
  std::vector<MetricInfo> out = {
      {"val_loss", "loss", MetricTask::any, MetricSplit::val, false, loss_units,
       MetricCurve::validation_loss},
      {"test_loss", "loss", MetricTask::any, MetricSplit::test, false, loss_units,
       MetricCurve::none},
      {"train_loss", "loss", MetricTask::any, MetricSplit::train, false, loss_units,
       MetricCurve::training_loss},
      {"n_params", "n_params", MetricTask::any, MetricSplit::cost, false, "parameters",
       MetricCurve::parameters},
      {"train_seconds", "train_seconds", MetricTask::any, MetricSplit::cost, false, "seconds",
       MetricCurve::seconds},
      {"predict_ms_per_1k_rows", "predict_ms_per_1k_rows", MetricTask::any, MetricSplit::cost,
       false, "milliseconds per 1,000 rows", MetricCurve::none},
  };
  struct Measure {
    const char* name;
    MetricTask task;
    bool maximized;
    const char* unit;
    bool needs_two_classes = false, two_classes_only = false;
  };
  // What train/metrics.h computes for each task.
  const Measure measures[] = {
      {"rmse", MetricTask::regression, false, "target's units"},
      {"mae", MetricTask::regression, false, "target's units"},
      {"r2", MetricTask::regression, true, "share of the target's variance"},
      {"accuracy", MetricTask::classification, true, "share of rows"},
      {"logloss", MetricTask::classification, false, "nats per row"},
      {"auc", MetricTask::classification, true, "area under the ROC curve", true},
      {"f1", MetricTask::classification, true, "F1 of the second class", true, true},
  };
  for (const MetricSplit split : {MetricSplit::val, MetricSplit::test})
    for (const auto& m : measures) {
      const bool val = split == MetricSplit::val;
      // A validation metric's curve is the validation loss it is computed
      // from once the trial has trained (search/pruning_curves.h).
      out.push_back({std::string(val ? "val_" : "test_") + m.name, m.name, m.task, split,
                     m.maximized, m.unit, val ? MetricCurve::validation_loss : MetricCurve::none,
                     m.needs_two_classes, m.two_classes_only});
    }
  return out;
}

}  // namespace

const std::vector<MetricInfo>& metric_catalogue() {
  static const std::vector<MetricInfo> catalogue = make_catalogue();
  return catalogue;
}

const MetricInfo* metric_info(const std::string& name) {
  for (const auto& m : metric_catalogue())
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> out;
  for (const auto& m : metric_catalogue()) out.push_back(m.name);
  return out;
}

std::string test_counterpart(const std::string& name) {
  const MetricInfo* info = metric_info(name);
  if (!info || info->split != MetricSplit::val) return "";
  return "test_" + info->measure;
}

}  // namespace tunelab
