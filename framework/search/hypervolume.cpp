#include "search/hypervolume.h"

#include <algorithm>
#include <cstddef>

namespace tunelab {
namespace {

// Points strictly below the reference in every objective, and not NaN.
bool inside(const std::vector<double>& point, const std::vector<double>& reference) {
  for (std::size_t i = 0; i < reference.size(); ++i)
    if (!(point[i] < reference[i])) return false;
  return true;
}

// `points` all inside; sorted in place.
double volume_of(std::vector<std::vector<double>>& points, const std::vector<double>& reference) {
  const std::size_t m = reference.size();
  if (points.empty()) return 0;
  if (m == 1) {
    double lowest = reference[0];
    for (const auto& p : points) lowest = std::min(lowest, p[0]);
    return reference[0] - lowest;
  }
  if (m == 2) {
    std::sort(points.begin(), points.end());
    double volume = 0, lowest = reference[1];
    for (const auto& p : points)
      if (p[1] < lowest) {
        volume += (reference[0] - p[0]) * (lowest - p[1]);
        lowest = p[1];
      }
    return volume;
  }
  // Slices between consecutive values of the last objective: in each, the
  // points at or below it, projected on the others.
  std::sort(points.begin(), points.end(),
            [m](const auto& a, const auto& b) { return a[m - 1] < b[m - 1]; });
  const std::vector<double> rest(reference.begin(), reference.end() - 1);
  double volume = 0;
  std::vector<std::vector<double>> below;
  for (std::size_t i = 0; i < points.size(); ++i) {
    below.emplace_back(points[i].begin(), points[i].end() - 1);
    const double top = i + 1 < points.size() ? points[i + 1][m - 1] : reference[m - 1];
    if (top <= points[i][m - 1]) continue;
    std::vector<std::vector<double>> slice = below;
    volume += volume_of(slice, rest) * (top - points[i][m - 1]);
  }
  return volume;
}

}  // namespace

double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference) {
  points.erase(std::remove_if(points.begin(), points.end(),
                              [&](const auto& p) {
                                return p.size() != reference.size() || !inside(p, reference);
                              }),
               points.end());
  return volume_of(points, reference);
}

double hypervolume_improvement(const std::vector<std::vector<double>>& points,
                               const std::vector<double>& point,
                               const std::vector<double>& reference) {
  if (!inside(point, reference)) return 0;
  // Within the box [point, reference], what the points dominate is what
  // their corners raised to `point` dominate.
  double box = 1;
  for (std::size_t i = 0; i < reference.size(); ++i) box *= reference[i] - point[i];
  std::vector<std::vector<double>> raised;
  for (const auto& p : points) {
    if (p.size() != reference.size() || !inside(p, reference)) continue;
    std::vector<double> corner(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) corner[i] = std::max(p[i], point[i]);
    raised.push_back(std::move(corner));
  }
  return std::max(0.0, box - volume_of(raised, reference));
}

}  // namespace tunelab
