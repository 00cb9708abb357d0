#include "analysis/importance.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/forest.h"

namespace tunelab {
namespace {

// Where a value lies in [0, 1]; a categorical choice k of n is the middle of
// the k-th of n equal slices, so every choice weighs the same.
double coordinate(const Dimension& d, const nlohmann::json& value) {
  const double p = d.position_of(value);
  if (d.kind == Dimension::Kind::categorical)
    return (p + 0.5) / static_cast<double>(std::max<std::size_t>(d.choices.size(), 1));
  return std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 0.5;
}

// Each input's main-effect variance and the total variance of one tree,
// exactly, from its leaves (boxes that partition the unit cube).
std::vector<double> main_effect_shares(const RegressionTree& tree, std::size_t inputs) {
  const auto leaves = tree.leaves(inputs);
  const auto volume_without = [&](const RegressionTree::Leaf& leaf, std::size_t skip) {
    double v = 1;
    for (std::size_t j = 0; j < inputs; ++j)
      if (j != skip) v *= leaf.high[j] - leaf.low[j];
    return v;
  };
  double mean = 0;
  for (const auto& leaf : leaves) mean += volume_without(leaf, inputs) * leaf.value;
  double total = 0;
  for (const auto& leaf : leaves)
    total += volume_without(leaf, inputs) * (leaf.value - mean) * (leaf.value - mean);
  std::vector<double> shares(inputs, 0.0);
  if (total <= 1e-300) return shares;
  for (std::size_t i = 0; i < inputs; ++i) {
    std::set<double> cuts{0.0, 1.0};
    for (const auto& leaf : leaves) cuts.insert({leaf.low[i], leaf.high[i]});
    double variance = 0;
    for (auto a = cuts.begin(), b = std::next(a); b != cuts.end(); ++a, ++b) {
      const double middle = (*a + *b) / 2;
      double marginal = 0;
      for (const auto& leaf : leaves)
        if (leaf.low[i] <= middle && middle < leaf.high[i])
          marginal += volume_without(leaf, i) * leaf.value;
      variance += (*b - *a) * (marginal - mean) * (marginal - mean);
    }
    shares[i] = variance / total;
  }
  return shares;
}

// The shares of `dimensions` (summing to 1, or all 0) in a forest fitted to
// `trials`, which each have a value for every one of them.
std::vector<double> forest_shares(const std::vector<const Dimension*>& dimensions,
                                  const std::vector<const ScoredParams*>& trials,
                                  std::uint64_t seed) {
  const std::size_t inputs = dimensions.size();
  std::vector<double> out(inputs, 0.0);
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (const ScoredParams* t : trials) {
    if (!std::isfinite(t->value)) continue;
    std::vector<double> row;
    for (const Dimension* d : dimensions) row.push_back(coordinate(*d, t->params.at(d->path)));
    x.push_back(std::move(row));
    y.push_back(t->value);
  }
  if (x.size() < 2 || inputs == 0) return out;
  ForestOptions options;
  options.seed = seed;
  for (const auto& tree : fit_forest(x, y, options)) {
    const auto shares = main_effect_shares(tree, inputs);
    for (std::size_t i = 0; i < inputs; ++i) out[i] += shares[i];
  }
  double total = 0;
  for (const double s : out) total += s;
  for (double& s : out) s = total > 0 ? s / total : 0.0;
  return out;
}

}  // namespace

std::vector<ParamImportance> param_importance(const SearchSpace& space,
                                              const std::vector<ScoredParams>& trials,
                                              std::uint64_t seed) {
  std::vector<ParamImportance> out;
  for (const auto& d : space.dimensions) out.push_back({d.path, 0.0});
  // Each dimension is judged on the trials that searched it, among the
  // dimensions all of those searched: in a space without conditions, one
  // forest over every trial and dimension. A dimension a trial left out
  // (inactive, or absent from an earlier space) is never imputed.
  std::vector<std::vector<bool>> searched;  // by dimension, by trial
  for (const auto& d : space.dimensions) {
    std::vector<bool>& in = searched.emplace_back();
    for (const auto& t : trials) in.push_back(t.params.count(d.path) > 0);
  }
  const auto covers = [](const std::vector<bool>& wider, const std::vector<bool>& narrower) {
    for (std::size_t t = 0; t < narrower.size(); ++t)
      if (narrower[t] && !wider[t]) return false;
    return true;
  };
  std::set<std::vector<bool>> judged;
  for (const auto& trial_set : searched) {
    if (!judged.insert(trial_set).second) continue;  // one forest per set of trials
    std::vector<const ScoredParams*> rows;
    for (std::size_t t = 0; t < trials.size(); ++t)
      if (trial_set[t]) rows.push_back(&trials[t]);
    std::vector<std::size_t> columns;  // the dimensions all of these trials searched
    std::vector<const Dimension*> inputs;
    for (std::size_t j = 0; j < space.dimensions.size(); ++j)
      if (covers(searched[j], trial_set)) {
        columns.push_back(j);
        inputs.push_back(&space.dimensions[j]);
      }
    const std::vector<double> shares = forest_shares(inputs, rows, seed);
    // The dimensions searched in exactly these trials take their shares here.
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (searched[columns[k]] == trial_set) out[columns[k]].importance = shares[k];
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.importance > b.importance; });
  return out;
}

}  // namespace tunelab
