#pragma once
// The Parzen estimators of the tree-structured Parzen estimator (Bergstra et
// al. 2011), as Optuna 3.1 builds them: over a search space scaled to the
// unit cube (log and pow2 ranges on their log scale), a mixture with one
// component per observed trial plus a prior component; truncated Gaussians
// for numeric dimensions, smoothed one-hot distributions for categorical
// ones.

#include <cstddef>
#include <vector>

#include "search/space.h"

namespace tunelab::tpe {

// A trial as the estimator sees it: each dimension's position (a number in
// [0, 1], or a choice index).
using Point = std::vector<double>;

// How wide each numeric component is: as wide as the larger gap to its
// neighbours in that dimension (Optuna's univariate rule, and since Optuna
// 3.3 its multivariate one too; never narrower than `narrowest_kernels`
// allows), or one width for all by Scott's rule, 0.2 n^(-1/(d+4)) (Optuna
// 3.1's multivariate rule).
enum class Bandwidth { neighbours, scott };

struct ParzenOptions {
  double prior_weight = 1.0;
  bool multivariate = true;  // joint components over all dimensions
  Bandwidth bandwidth = Bandwidth::neighbours;
  // Each numeric component's density times its bandwidth, as Optuna up to
  // 3.4 computed it (optuna/optuna#5109): narrow components, around points
  // that crowd together, count for less, so the search spreads wider before
  // it narrows. Better with the univariate estimator; the multivariate one
  // does better normalised (docs/experiment-file.md).
  bool weigh_by_bandwidth = false;
  // How many kernels the narrowest bandwidth is set by (1 / (1 + this),
  // as Optuna's "magic clip"); 0: this estimator's own (observations and
  // prior), as Optuna does.
  double narrowest_kernels = 0;
};

class ParzenEstimator {
 public:
  // `weights[i]` weighs `points[i]` (older trials may weigh less).
  ParzenEstimator(const SearchSpace& space, const std::vector<Point>& points,
                  const std::vector<double>& weights, const ParzenOptions& options);

  // Dimension `d` of a point drawn from component `k`; `u` is uniform in [0, 1).
  double sample(std::size_t k, std::size_t d, double u) const;
  // The component at cumulative weight `u` in [0, 1).
  std::size_t component(double u) const;
  std::size_t components() const { return weights_.size(); }

  // log density (probability, for categorical dimensions) of dimension `d`
  // under component `k`.
  double log_pdf(std::size_t k, std::size_t d, double x) const;
  // Of the joint mixture (components shared by all dimensions).
  double joint_log_pdf(const Point& x) const;
  // Of dimension `d`'s own mixture (the univariate estimator).
  double marginal_log_pdf(std::size_t d, double x) const;

 private:
  struct Dim {
    bool categorical = false;
    std::size_t choices = 0;
    std::vector<double> mus, sigmas;         // numeric: one per component
    std::vector<std::vector<double>> probs;  // categorical: one per component
  };
  std::vector<Dim> dims_;
  bool weigh_by_bandwidth_ = true;
  std::vector<double> weights_;  // normalised, one per component
};

}  // namespace tunelab::tpe
