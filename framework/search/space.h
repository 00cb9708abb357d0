#pragma once
// The search space of a study: which values of the experiment file vary, and
// over what. Each dimension is a dotted path into the file ("trainer.lr").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunelab {

// One trial's values, by path, as they go into the experiment's configuration
// (a pow2 batch size is stored as 32, not 5).
using Params = std::map<std::string, nlohmann::json>;

struct Dimension {
  enum class Kind { real, integer, categorical };

  std::string path;
  Kind kind = Kind::real;
  double low = 0, high = 0;             // real and integer: the range, inclusive
  bool log = false;                     // sample uniformly in log space
  std::optional<double> step;           // real and integer: values low, low + step, ...
  std::string transform;                // integer: "" or "pow2" (the value used is 2^v)
  std::vector<nlohmann::json> choices;  // categorical

  // The value that goes into the configuration for a sampled point: `u` in
  // [0, 1] for real and integer dimensions (scaled, logged, stepped and
  // transformed), or a choice index for categorical ones.
  nlohmann::json value_at(double u) const;
  nlohmann::json choice(std::size_t index) const { return choices.at(index); }

  // Every value a grid search visits: all integers (or steps) in range, every
  // choice, or `points` values spread over a continuous range.
  std::vector<nlohmann::json> grid(std::size_t points) const;
  // How many values grid(points) holds, counted without making them.
  std::size_t grid_size(std::size_t points) const;

  // The inverse of value_at: where a configuration value lies in [0, 1] (or
  // its choice index), for samplers that model the history.
  double position_of(const nlohmann::json& value) const;

  // Why `value` is not one this dimension takes (out of range, not an
  // integer, off its steps, not a power of 2 in range, not a choice), or
  // nullopt when it is. Values as they go into the configuration.
  std::optional<std::string> refusal(const nlohmann::json& value) const;
};

struct SearchSpace {
  std::vector<Dimension> dimensions;
  bool empty() const { return dimensions.empty(); }
};

// Reads the `search.space` mapping. ConfigErrors are keyed relative to it
// ("trainer.lr.low").
SearchSpace read_search_space(const nlohmann::json& space);

// A configuration to try first (search.enqueue, `tunelab enqueue`): values
// for some of the space's dimensions, each checked against its dimension; a
// float dimension's value is a float, as sampled ones are, also where it was
// written as an integer. ConfigError keyed `at`.PATH for an unknown
// dimension (with near matches) or a value its dimension refuses.
Params checked_configuration(const SearchSpace& space, const nlohmann::json& values,
                             const std::string& at);

}  // namespace tunelab
