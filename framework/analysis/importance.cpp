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

}  // namespace

std::vector<ParamImportance> param_importance(const SearchSpace& space,
                                              const std::vector<ScoredParams>& trials,
                                              std::uint64_t seed) {
  const std::size_t inputs = space.dimensions.size();
  std::vector<ParamImportance> out;
  for (const auto& d : space.dimensions) out.push_back({d.path, 0.0});
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (const auto& t : trials) {
    if (!std::isfinite(t.value)) continue;
    std::vector<double> row;
    for (const auto& d : space.dimensions) {
      const auto it = t.params.find(d.path);
      row.push_back(it == t.params.end() ? 0.5 : coordinate(d, it->second));
    }
    x.push_back(std::move(row));
    y.push_back(t.value);
  }
  if (x.size() >= 2 && inputs > 0) {
    ForestOptions options;
    options.seed = seed;
    std::vector<double> sum(inputs, 0.0);
    for (const auto& tree : fit_forest(x, y, options)) {
      const auto shares = main_effect_shares(tree, inputs);
      for (std::size_t i = 0; i < inputs; ++i) sum[i] += shares[i];
    }
    double total = 0;
    for (const double s : sum) total += s;
    if (total > 0)
      for (std::size_t i = 0; i < inputs; ++i) out[i].importance = sum[i] / total;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.importance > b.importance; });
  return out;
}

}  // namespace tunelab
