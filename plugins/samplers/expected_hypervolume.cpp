#include "plugins/samplers/expected_hypervolume.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "common/seed_stream.h"
#include "search/pareto.h"

namespace tunelab::gp {
namespace {

using Box = std::pair<std::vector<double>, std::vector<double>>;  // lower, upper corner

// Boxes that together make up the region below `reference` that `points`
// do not dominate (lower corners at -infinity where nothing bounds them):
// slices between consecutive values of the last objective, in each the
// boxes of the points below it, one objective fewer.
std::vector<Box> non_dominated_boxes(std::vector<std::vector<double>> points,
                                     const std::vector<double>& reference) {
  const std::size_t m = reference.size();
  constexpr double kFar = -std::numeric_limits<double>::infinity();
  if (m == 1) {
    double lowest = reference[0];
    for (const auto& p : points) lowest = std::min(lowest, p[0]);
    return {{{kFar}, {lowest}}};
  }
  std::sort(points.begin(), points.end(),
            [m](const auto& a, const auto& b) { return a[m - 1] < b[m - 1]; });
  const std::vector<double> rest(reference.begin(), reference.end() - 1);
  std::vector<Box> boxes;
  std::vector<std::vector<double>> below;
  double bottom = kFar;
  for (std::size_t k = 0; k <= points.size(); ++k) {
    const double top = k < points.size() ? points[k][m - 1] : reference[m - 1];
    if (top > bottom) {
      for (auto& [lower, upper] : non_dominated_boxes(below, rest)) {
        lower.push_back(bottom);
        upper.push_back(top);
        boxes.emplace_back(std::move(lower), std::move(upper));
      }
      bottom = top;
    }
    if (k < points.size()) below.emplace_back(points[k].begin(), points[k].end() - 1);
  }
  return boxes;
}

}  // namespace

ExpectedHypervolume::ExpectedHypervolume(const std::vector<std::vector<double>>& front_of,
                                         const std::vector<std::vector<double>>& observed,
                                         std::size_t draws, std::uint64_t seed) {
  const std::size_t m = observed.front().size();
  reference_.assign(m, 0);
  for (std::size_t j = 0; j < m; ++j) {
    double low = observed.front()[j], high = low;
    for (const auto& v : observed) low = std::min(low, v[j]), high = std::max(high, v[j]);
    reference_[j] = high + 0.1 * std::max(high - low, 1e-9);
  }
  for (std::size_t i : pareto_front(front_of)) front_.push_back(front_of[i]);
  std::sort(front_.begin(), front_.end());
  if (m > 2) {
    for (const auto& [lower, upper] : non_dominated_boxes(front_, reference_)) {
      box_lower_.insert(box_lower_.end(), lower.begin(), lower.end());
      box_upper_.insert(box_upper_.end(), upper.begin(), upper.end());
    }
  }
  SeedStream normal(seed);
  for (std::size_t s = 0; s < draws; ++s) {
    Eigen::VectorXd z(static_cast<long>(m));
    for (std::size_t j = 0; j < m; ++j) z(static_cast<long>(j)) = normal.normal();
    draws_.push_back(z);
  }
}

double ExpectedHypervolume::improvement(const std::vector<double>& point) const {
  if (point.size() != 2) {
    // The point's box [point, reference] overlaps each non-dominated box.
    const std::size_t m = point.size();
    double total = 0;
    for (std::size_t b = 0; b < box_lower_.size(); b += m) {
      double overlap = 1;
      for (std::size_t j = 0; j < m && overlap > 0; ++j)
        overlap *= std::max(0.0, box_upper_[b + j] - std::max(box_lower_[b + j], point[j]));
      total += overlap;
    }
    return total;
  }
  // Two objectives, the common case, without allocating: the box between
  // the point and the reference, less the front's staircase within it (the
  // front sorted by the first objective, so descending in the second).
  const double x = point[0], y = point[1];
  if (!(x < reference_[0] && y < reference_[1])) return 0;
  double covered = 0, lowest = reference_[1];
  for (const auto& p : front_) {
    const double px = std::max(p[0], x), py = std::max(p[1], y);
    if (!(px < reference_[0]) || !(py < lowest)) continue;
    covered += (reference_[0] - px) * (lowest - py);
    lowest = py;
  }
  return std::max(0.0, (reference_[0] - x) * (reference_[1] - y) - covered);
}

double ExpectedHypervolume::log_value(const Eigen::VectorXd& mean,
                                      const Eigen::VectorXd& sd) const {
  std::vector<double> point(static_cast<std::size_t>(mean.size()));
  double total = 0;
  for (const auto& z : draws_) {
    for (long j = 0; j < mean.size(); ++j)
      point[static_cast<std::size_t>(j)] = mean(j) + sd(j) * z(j);
    total += improvement(point);
  }
  return total > 0 ? std::log(total / static_cast<double>(draws_.size())) : -1e300;
}

}  // namespace tunelab::gp
