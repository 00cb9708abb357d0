#pragma once
// Constraints on a study's trials (search.constraints): bounds on metrics a
// trial records, such as `{metric: n_params, max: 20000}`. A trial is
// feasible when every bound holds. Each constraint gives a trial a value in
// Optuna's convention (constraints_func): at most 0 where it holds (how much
// room is left), above 0 by how much it is broken, relative to the bound's
// size (at least 1), so that a parameter count and a number of seconds
// weigh alike.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "search/pareto.h"

namespace tunelab {

struct FinishedTrial;

struct Constraint {
  std::string metric;
  std::optional<double> min, max;

  // The constraint's value where the metric is `value`: NaN for NaN (no
  // value: not known to hold).
  double value_of(double value) const;
  // "n_params <= 20000", "0.5 <= val_r2", "1 <= train_seconds <= 5".
  std::string text() const;
};

// The bound on `metric` among `constraints`; nullptr where there is none.
const Constraint* bound_on(const std::vector<Constraint>& constraints, const std::string& metric);

// Each constraint's value for a trial whose metric `name` is
// `metric_value(name)` (NaN where it has none).
std::vector<double> constraint_values(
    const std::vector<Constraint>& constraints,
    const std::function<double(const std::string&)>& metric_value);

// Whether a trial with these constraint values is feasible: every one known
// and at most 0. No constraints: feasible.
bool is_feasible(const std::vector<double>& values);

// How far a trial is from feasible: the sum of its values above 0, one
// not known counting 1 (a bound broken by its size); 0 exactly when
// feasible.
double total_violation(const std::vector<double>& values);

// Complete trials ranked for a sampler, Optuna's rule under constraints:
// the feasible first, best value first (ties: the order given), then the
// infeasible, least violation first. `values` are the trials' losses.
std::vector<std::size_t> rank_feasible_first(const std::vector<double>& values,
                                             const std::vector<double>& violations);

// The same for several objectives (constrained domination, Deb et al.
// 2002): the feasible by front and crowding distance, then each distinct
// violation a front of its own after them, least first.
DominanceRanking rank_by_constrained_dominance(const std::vector<std::vector<double>>& points,
                                               const std::vector<double>& violations);

}  // namespace tunelab
