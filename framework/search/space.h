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

// A dimension with conditions is searched only where each holds: its parent
// dimension is searched too and took one of `values`
// (`when: {trainer.optimizer: sgd}`).
struct Condition {
  std::string parent;
  std::vector<nlohmann::json> values;
};

struct Dimension {
  enum class Kind { real, integer, categorical };

  std::string path;
  Kind kind = Kind::real;
  double low = 0, high = 0;             // real and integer: the range, inclusive
  bool log = false;                     // sample uniformly in log space
  std::optional<double> step;           // real and integer: values low, low + step, ...
  std::string transform;                // integer: "" or "pow2" (the value used is 2^v)
  std::vector<nlohmann::json> choices;  // categorical
  std::vector<Condition> when;          // all must hold; none: always searched

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
  // In the file's order, but every parent before the dimensions whose
  // conditions name it.
  std::vector<Dimension> dimensions;
  bool empty() const { return dimensions.empty(); }
  bool conditional() const;

  // Whether `d` is searched for a trial with `params`: each of its
  // conditions' parents is in `params` with one of the condition's values.
  bool active(const Dimension& d, const Params& params) const;
  // `params` without the values of dimensions that are not searched for
  // them (a sampler proposes the whole box; what is inactive is dropped).
  Params active_only(Params params) const;
  // The dimensions `params` leaves out that its values make searched.
  std::vector<std::string> missing(const Params& params) const;
};

// Reads the `search.space` mapping. ConfigErrors are keyed relative to it
// ("trainer.lr.low", "model.c_hidden.when.model.groups").
SearchSpace read_search_space(const nlohmann::json& space);

// A configuration to try first (search.enqueue, `tunelab enqueue`): values
// for some of the space's dimensions, each checked against its dimension; a
// float dimension's value is a float, as sampled ones are, also where it was
// written as an integer. ConfigError keyed `at`.PATH for an unknown
// dimension (with near matches), a value its dimension refuses, or a value
// for a dimension the configuration's other values leave unsearched.
Params checked_configuration(const SearchSpace& space, const nlohmann::json& values,
                             const std::string& at);

}  // namespace tunelab
