#include "analysis/forest.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace tunelab {
namespace {

struct Builder {
  const std::vector<std::vector<double>>& x;
  const std::vector<double>& y;
  const ForestOptions& options;
  RegressionTree tree;

  int grow(std::vector<std::size_t> rows, int depth) {
    const int index = static_cast<int>(tree.nodes.size());
    tree.nodes.emplace_back();
    double sum = 0;
    for (const auto r : rows) sum += y[r];
    tree.nodes[index].value = sum / static_cast<double>(rows.size());
    if (static_cast<int>(rows.size()) < options.min_rows_to_split || depth >= options.max_depth)
      return index;

    // The split with the lowest total squared error, scanning each input's
    // sorted values with running sums.
    double best_error = 0, total_sq = 0;
    for (const auto r : rows) total_sq += y[r] * y[r];
    best_error = total_sq - sum * sum / static_cast<double>(rows.size());
    const double no_split_error = best_error;
    int best_feature = -1;
    double best_threshold = 0;
    const std::size_t inputs = x.front().size();
    for (std::size_t j = 0; j < inputs; ++j) {
      std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
        return x[a][j] < x[b][j] || (x[a][j] == x[b][j] && a < b);
      });
      double left_sum = 0, left_sq = 0;
      for (std::size_t k = 0; k + 1 < rows.size(); ++k) {
        left_sum += y[rows[k]];
        left_sq += y[rows[k]] * y[rows[k]];
        if (x[rows[k]][j] == x[rows[k + 1]][j]) continue;
        const double nl = static_cast<double>(k + 1);
        const double nr = static_cast<double>(rows.size()) - nl;
        const double right_sum = sum - left_sum, right_sq = total_sq - left_sq;
        const double error =
            (left_sq - left_sum * left_sum / nl) + (right_sq - right_sum * right_sum / nr);
        if (error < best_error - 1e-12 * (1 + std::abs(no_split_error))) {
          best_error = error;
          best_feature = static_cast<int>(j);
          best_threshold = (x[rows[k]][j] + x[rows[k + 1]][j]) / 2;
        }
      }
    }
    if (best_feature < 0) return index;

    std::vector<std::size_t> left, right;
    for (const auto r : rows)
      (x[r][static_cast<std::size_t>(best_feature)] < best_threshold ? left : right).push_back(r);
    tree.nodes[index].feature = best_feature;
    tree.nodes[index].threshold = best_threshold;
    const int l = grow(std::move(left), depth + 1);
    const int r = grow(std::move(right), depth + 1);
    tree.nodes[index].left = l;
    tree.nodes[index].right = r;
    return index;
  }
};

void collect(const RegressionTree& tree, int node, RegressionTree::Leaf box,
             std::vector<RegressionTree::Leaf>& out) {
  const auto& n = tree.nodes[static_cast<std::size_t>(node)];
  if (n.feature < 0) {
    box.value = n.value;
    out.push_back(std::move(box));
    return;
  }
  const auto j = static_cast<std::size_t>(n.feature);
  RegressionTree::Leaf left = box, right = std::move(box);
  left.high[j] = std::min(left.high[j], n.threshold);
  right.low[j] = std::max(right.low[j], n.threshold);
  collect(tree, n.left, std::move(left), out);
  collect(tree, n.right, std::move(right), out);
}

}  // namespace

std::vector<RegressionTree::Leaf> RegressionTree::leaves(std::size_t inputs) const {
  std::vector<Leaf> out;
  collect(*this, 0, Leaf{std::vector<double>(inputs, 0.0), std::vector<double>(inputs, 1.0), 0},
          out);
  return out;
}

double RegressionTree::predict(const std::vector<double>& x) const {
  int node = 0;
  while (nodes[static_cast<std::size_t>(node)].feature >= 0) {
    const auto& n = nodes[static_cast<std::size_t>(node)];
    node = x[static_cast<std::size_t>(n.feature)] < n.threshold ? n.left : n.right;
  }
  return nodes[static_cast<std::size_t>(node)].value;
}

std::vector<RegressionTree> fit_forest(const std::vector<std::vector<double>>& x,
                                       const std::vector<double>& y, const ForestOptions& options) {
  std::vector<RegressionTree> forest;
  if (x.empty()) return forest;
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<std::size_t> pick(0, x.size() - 1);
  for (int t = 0; t < options.trees; ++t) {
    std::vector<std::size_t> rows(x.size());
    for (auto& r : rows) r = pick(rng);  // bootstrap: n rows drawn with replacement
    Builder builder{x, y, options, {}};
    builder.grow(std::move(rows), 0);
    forest.push_back(std::move(builder.tree));
  }
  return forest;
}

}  // namespace tunelab
