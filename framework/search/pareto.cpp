#include "search/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tunelab {
namespace {

bool usable(const std::vector<double>& point, std::size_t objectives) {
  return point.size() == objectives &&
         std::none_of(point.begin(), point.end(), [](double v) { return std::isnan(v); });
}

}  // namespace

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better |= a[i] < b[i];
  }
  return better;
}

std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points) {
  const std::vector<int> rank = front_ranks(points);
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (rank[i] == 0) front.push_back(i);
  return front;
}

std::vector<int> front_ranks(const std::vector<std::vector<double>>& points) {
  const std::size_t n = points.size();
  std::vector<int> rank(n, -1);
  if (n == 0) return rank;
  const std::size_t objectives = points.front().size();
  // Deb's fast non-dominated sort: each point's dominators counted, fronts
  // peeled off one after another.
  std::vector<std::vector<std::size_t>> dominated(n);
  std::vector<int> dominators(n, 0);
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (!usable(points[i], objectives)) continue;
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j || !usable(points[j], objectives)) continue;
      if (dominates(points[i], points[j]))
        dominated[i].push_back(j);
      else if (dominates(points[j], points[i]))
        ++dominators[i];
    }
    if (dominators[i] == 0) current.push_back(i);
  }
  for (int r = 0; !current.empty(); ++r) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      rank[i] = r;
      for (std::size_t j : dominated[i])
        if (--dominators[j] == 0) next.push_back(j);
    }
    std::sort(next.begin(), next.end());
    current.swap(next);
  }
  return rank;
}

std::vector<double> crowding_distances(const std::vector<std::vector<double>>& points,
                                       const std::vector<std::size_t>& members) {
  const std::size_t m = members.size();
  std::vector<double> distance(m, 0.0);
  if (m == 0) return distance;
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  const std::size_t objectives = points[members.front()].size();
  std::vector<std::size_t> order(m);
  for (std::size_t k = 0; k < objectives; ++k) {
    std::iota(order.begin(), order.end(), 0);
    // Ties keep the members' order, so that distances do not depend on the
    // sort's implementation.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[members[a]][k] < points[members[b]][k];
    });
    const double low = points[members[order.front()]][k];
    const double high = points[members[order.back()]][k];
    distance[order.front()] = distance[order.back()] = kInfinity;
    if (!(high > low)) continue;
    for (std::size_t i = 1; i + 1 < m; ++i)
      distance[order[i]] +=
          (points[members[order[i + 1]]][k] - points[members[order[i - 1]]][k]) / (high - low);
  }
  return distance;
}

DominanceRanking rank_by_dominance(const std::vector<std::vector<double>>& points) {
  DominanceRanking r;
  r.front = front_ranks(points);
  r.crowding.assign(points.size(), 0.0);
  for (int front = 0;; ++front) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (r.front[i] == front) members.push_back(i);
    if (members.empty()) break;
    const std::vector<double> distance = crowding_distances(points, members);
    for (std::size_t k = 0; k < members.size(); ++k) r.crowding[members[k]] = distance[k];
  }
  r.order.resize(points.size());
  std::iota(r.order.begin(), r.order.end(), 0);
  const auto key = [&](std::size_t i) {
    return r.front[i] < 0 ? std::numeric_limits<int>::max() : r.front[i];
  };
  std::stable_sort(r.order.begin(), r.order.end(), [&](std::size_t a, std::size_t b) {
    if (key(a) != key(b)) return key(a) < key(b);
    return r.crowding[a] > r.crowding[b];
  });
  return r;
}

}  // namespace tunelab
