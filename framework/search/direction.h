#pragma once
// Whether a study's metric is minimised (losses, errors) or maximised
// (accuracy, AUC, F1, R²).

#include <optional>
#include <string>
#include <vector>

#include "search/trial_state.h"

namespace tunelab {

enum class Direction { minimize, maximize };

std::string to_string(Direction direction);
std::optional<Direction> direction_named(const std::string& name);

// What a study's trials are judged by: a metric and its direction (one, or
// several with search.objectives).
struct Objective {
  std::string metric;
  Direction direction = Direction::minimize;

  bool operator==(const Objective& other) const {
    return metric == other.metric && direction == other.direction;
  }
};

// The direction the metric catalogue gives a metric (common/
// metric_catalogue.h): accuracy, AUC, F1 and R² are maximised; losses,
// errors, costs and every name it lacks ("value", an objective function's
// outputs) minimised.
Direction natural_direction(const std::string& metric);

// Whether `a` is better than `b` in `direction`.
bool better(double a, double b, Direction direction);

// The trials with each value as a loss (negated where its objective is
// maximised): what samplers, which minimise, are given. `directions` are the
// objectives', in order.
std::vector<FinishedTrial> as_minimized(std::vector<FinishedTrial> trials,
                                        const std::vector<Direction>& directions);

}  // namespace tunelab
