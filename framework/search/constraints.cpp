#include "search/constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tunelab {
namespace {

// By how much `value` passes `bound`, in units of the bound's size.
double relative(double excess, double bound) { return excess / std::max(std::abs(bound), 1.0); }

}  // namespace

double Constraint::value_of(double value) const {
  if (std::isnan(value)) return value;
  double worst = -std::numeric_limits<double>::infinity();
  if (max) worst = std::max(worst, relative(value - *max, *max));
  if (min) worst = std::max(worst, relative(*min - value, *min));
  return worst;
}

std::string Constraint::text() const {
  if (min && max) return fmt::format("{} <= {} <= {}", *min, metric, *max);
  if (max) return fmt::format("{} <= {}", metric, *max);
  return fmt::format("{} >= {}", metric, min.value_or(0));
}

const Constraint* bound_on(const std::vector<Constraint>& constraints, const std::string& metric) {
  for (const auto& c : constraints)
    if (c.metric == metric) return &c;
  return nullptr;
}

std::vector<double> constraint_values(
    const std::vector<Constraint>& constraints,
    const std::function<double(const std::string&)>& metric_value) {
  std::vector<double> out;
  for (const auto& c : constraints) out.push_back(c.value_of(metric_value(c.metric)));
  return out;
}

bool is_feasible(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v <= 0; });
}

double total_violation(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values)
    if (std::isnan(v))
      sum += 1;
    else if (v > 0)
      sum += v;
  return sum;
}

std::vector<std::size_t> rank_feasible_first(const std::vector<double>& values,
                                             const std::vector<double>& violations) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool feasible_a = violations[a] <= 0, feasible_b = violations[b] <= 0;
    if (feasible_a != feasible_b) return feasible_a;
    return feasible_a ? values[a] < values[b] : violations[a] < violations[b];
  });
  return order;
}

DominanceRanking rank_by_constrained_dominance(const std::vector<std::vector<double>>& points,
                                               const std::vector<double>& violations) {
  std::vector<std::size_t> feasible, infeasible;
  for (std::size_t i = 0; i < points.size(); ++i)
    (violations[i] <= 0 ? feasible : infeasible).push_back(i);
  std::vector<std::vector<double>> feasible_points;
  for (std::size_t i : feasible) feasible_points.push_back(points[i]);
  const DominanceRanking inner = rank_by_dominance(feasible_points);
  DominanceRanking r;
  r.front.assign(points.size(), -1);
  r.crowding.assign(points.size(), 0.0);
  int last_front = -1;
  for (std::size_t k = 0; k < feasible.size(); ++k) {
    r.front[feasible[k]] = inner.front[k];
    r.crowding[feasible[k]] = inner.crowding[k];
    last_front = std::max(last_front, inner.front[k]);
  }
  for (std::size_t k : inner.order)
    if (inner.front[k] >= 0) r.order.push_back(feasible[k]);
  std::stable_sort(infeasible.begin(), infeasible.end(),
                   [&](std::size_t a, std::size_t b) { return violations[a] < violations[b]; });
  for (std::size_t k = 0; k < infeasible.size(); ++k) {
    if (k == 0 || violations[infeasible[k]] > violations[infeasible[k - 1]]) ++last_front;
    r.front[infeasible[k]] = last_front;
    r.order.push_back(infeasible[k]);
  }
  // Feasible points with a NaN: on no front, last.
  for (std::size_t k : inner.order)
    if (inner.front[k] < 0) r.order.push_back(feasible[k]);
  return r;
}

}  // namespace tunelab
