#include "search/pruning_curves.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "common/errors.h"
#include "common/metric_catalogue.h"
#include "common/near_matches.h"

namespace tunelab {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

}  // namespace

PruningCurves::PruningCurves(const std::vector<Objective>& objectives, const std::string& named) {
  // The curve of objective i, or nullopt where it has none.
  const auto part_of = [&](std::size_t i) -> std::optional<Part> {
    const Objective& o = objectives[i];
    const double sign = o.direction == Direction::maximize ? -1.0 : 1.0;
    const MetricInfo* info = metric_info(o.metric);
    switch (info ? info->curve : MetricCurve::none) {
      case MetricCurve::validation_loss:  // val_loss and every validation metric
        return Part{Curve::validation_loss, 1.0, i};
      case MetricCurve::training_loss:
        return Part{Curve::training_loss, sign, i};
      case MetricCurve::parameters:
        return Part{Curve::parameters, sign, i};
      case MetricCurve::seconds:
        return Part{Curve::seconds, sign, i};
      case MetricCurve::none:
        break;
    }
    return std::nullopt;
  };
  const auto no_curve = [](const std::string& metric) {
    const bool after_training = metric_info(metric) != nullptr;
    return fmt::format("{} has no value per epoch to prune by{}", metric,
                       after_training ? " (it is measured once a trial has trained)" : "");
  };

  if (!named.empty()) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < objectives.size(); ++i) {
      names.push_back(objectives[i].metric);
      if (objectives[i].metric != named) continue;
      const auto part = part_of(i);
      if (!part)
        throw ConfigError("search.pruner.objective",
                          no_curve(named) +
                              ": name one with a curve (a validation metric, "
                              "train_loss, n_params or train_seconds)");
      parts_.push_back(*part);
      return;
    }
    throw ConfigError("search.pruner.objective",
                      unknown_name_message("objective of this study", named, names));
  }
  if (objectives.size() == 1) {
    parts_.push_back({Curve::validation_loss, 1.0, 0});
    return;
  }
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    const auto part = part_of(i);
    if (!part)
      throw ConfigError("search.pruner",
                        fmt::format("{}, and a pruner of several objectives compares them all: "
                                    "name the one to prune by (objective: {})",
                                    no_curve(objectives[i].metric), objectives[0].metric));
    parts_.push_back(*part);
  }
}

bool PruningCurves::needs_parameter_count() const {
  for (const auto& p : parts_)
    if (p.curve == Curve::parameters) return true;
  return false;
}

EpochValues PruningCurves::at(const EpochLosses& last, double seconds, double parameters) const {
  EpochValues values;
  for (const auto& p : parts_) {
    switch (p.curve) {
      case Curve::validation_loss:
        values.push_back(last.val_loss);
        break;
      case Curve::training_loss:
        values.push_back(p.sign * last.train_loss);
        break;
      case Curve::parameters:
        values.push_back(p.sign * parameters);
        break;
      case Curve::seconds:
        values.push_back(p.sign * seconds);
        break;
    }
  }
  return values;
}

std::vector<TrialCurve> PruningCurves::of(const std::vector<FinishedTrial>& trials) const {
  std::vector<TrialCurve> curves;
  for (const auto& t : trials) {
    TrialCurve curve{t.number, t.state, {}};
    // A trial's size is its recorded value, when n_params is an objective.
    double parameters = kMissing;
    for (const auto& p : parts_)
      if (p.curve == Curve::parameters && p.objective < t.values.size())
        parameters = t.values[p.objective];
    double seconds = 0;
    for (const auto& e : t.epochs) {
      seconds += e.seconds;
      curve.epochs.push_back(at(e, seconds, parameters));
    }
    curves.push_back(std::move(curve));
  }
  return curves;
}

}  // namespace tunelab
