#include "search/direction.h"

#include "common/metric_catalogue.h"

namespace tunelab {

std::string to_string(Direction direction) {
  return direction == Direction::maximize ? "maximize" : "minimize";
}

std::optional<Direction> direction_named(const std::string& name) {
  if (name == "minimize") return Direction::minimize;
  if (name == "maximize") return Direction::maximize;
  return std::nullopt;
}

Direction natural_direction(const std::string& metric) {
  const MetricInfo* info = metric_info(metric);
  return info && info->maximized ? Direction::maximize : Direction::minimize;
}

bool better(double a, double b, Direction direction) {
  return direction == Direction::maximize ? a > b : a < b;
}

std::vector<FinishedTrial> as_minimized(std::vector<FinishedTrial> trials,
                                        const std::vector<Direction>& directions) {
  for (auto& t : trials) {
    // A trial from before several objectives (or a warm start's) has its
    // one value only.
    if (t.values.empty() && t.state != TrialState::fail && directions.size() == 1)
      t.values = {t.value};
    for (std::size_t i = 0; i < t.values.size() && i < directions.size(); ++i)
      if (directions[i] == Direction::maximize) t.values[i] = -t.values[i];
    if (!directions.empty() && directions.front() == Direction::maximize) t.value = -t.value;
  }
  return trials;
}

}  // namespace tunelab
