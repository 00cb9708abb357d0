#include "search/direction.h"

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
  for (const char* suffix : {"_accuracy", "_auc", "_f1", "_r2"}) {
    const std::string s = suffix;
    if (metric.size() > s.size() && metric.compare(metric.size() - s.size(), s.size(), s) == 0)
      return Direction::maximize;
  }
  return Direction::minimize;
}

bool better(double a, double b, Direction direction) {
  return direction == Direction::maximize ? a > b : a < b;
}

std::vector<FinishedTrial> as_minimized(std::vector<FinishedTrial> trials, Direction direction) {
  if (direction == Direction::maximize)
    for (auto& t : trials) t.value = -t.value;
  return trials;
}

}  // namespace tunelab
