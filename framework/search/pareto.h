#pragma once
// Trade-offs between several objectives, all as losses (lower is better):
// which points no other dominates (as good in every objective, better in
// one), the fronts a non-dominated sort peels off, and how crowded each
// point's neighbourhood on its front is (NSGA-II's crowding distance).

#include <cstddef>
#include <vector>

namespace tunelab {

// Whether `a` dominates `b`: no worse in every objective, better in one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// The indices of the points no other point dominates, in index order. A point
// with a NaN (or a different number of objectives than the first) is on no
// front. Equal points are all on it: neither dominates the other.
std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points);

// Each point's front: 0 for the Pareto front, 1 for the front once that is
// removed, and so on; -1 for a point with a NaN.
std::vector<int> front_ranks(const std::vector<std::vector<double>>& points);

// The crowding distance of each of `members` (indices into `points`, one
// front): the sum over objectives of the gap between its neighbours,
// normalised by the front's extent; infinite at the extremes.
std::vector<double> crowding_distances(const std::vector<std::vector<double>>& points,
                                       const std::vector<std::size_t>& members);

// Points ranked as NSGA-II and MOTPE select them: each point's front and
// crowding distance on it, and the indices best first (lower front, then
// larger crowding distance, then lower index); points with a NaN last.
struct DominanceRanking {
  std::vector<int> front;        // front_ranks
  std::vector<double> crowding;  // within its front; 0 for a point with a NaN
  std::vector<std::size_t> order;
};
DominanceRanking rank_by_dominance(const std::vector<std::vector<double>>& points);

}  // namespace tunelab
