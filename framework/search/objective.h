#pragma once
// The plugin interface of kind `objective`: a function of a trial's params to
// minimise (or several, to trade against each other), evaluated instead of training a model on
// data. The analytic test functions (branin, hartmann6, rosenbrock, ackley) benchmark samplers in
// seconds.

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunelab {

struct ObjectiveFunction {
  // The keys of the objective section it reads as its point ("x0", "x1",
  // ...): search over `objective.x0`, or set it in the file.
  std::vector<std::string> inputs;
  // Where each input usually ranges (the domain the function is defined
  // on), for documentation and benchmarks.
  std::vector<std::pair<double, double>> domain;
  // The known global minimum (NaN when unknown), so that regret can be told.
  double minimum = std::numeric_limits<double>::quiet_NaN();
  std::function<double(const std::vector<double>&)> at;
  // A function of several outputs (a multi-objective test function): their
  // names, which search.objectives chooses among, and the function giving
  // them all in that order; `at` and `minimum` are then unused.
  std::vector<std::string> outputs;
  std::function<std::vector<double>(const std::vector<double>&)> at_each;
};

// Receives the objective section without its name: options (such as
// `dimensions`) and the inputs. Rejects unknown keys with a ConfigError.
using ObjectiveFactory = std::function<ObjectiveFunction(const nlohmann::json& section)>;

}  // namespace tunelab
