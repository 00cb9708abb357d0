#pragma once
// For the `gp` sampler under search.constraints: the chance that a point
// keeps every constraint, from a Gaussian process per constraint fitted to
// the trials' values of it (at most 0 where it holds), the chances
// multiplied as if independent (Gardner et al. 2014, as Optuna's GPSampler
// does). The acquisition is expected improvement times this chance.

#include <Eigen/Dense>
#include <vector>

#include "plugins/samplers/gaussian_process.h"

namespace tunelab::gp {

class Feasibility {
 public:
  // `x`: the trials' encoded params (one row each); `values`: their
  // constraint values (one column per constraint; NaN where unknown). A
  // constraint with fewer than two known values is left out.
  Feasibility(const Eigen::MatrixXd& x, const Eigen::MatrixXd& values);

  // log P(every constraint holds) at each row of `at`.
  Eigen::VectorXd log_probability(const Eigen::MatrixXd& at) const;

 private:
  std::vector<GaussianProcess> models_;
  std::vector<double> thresholds_;  // 0 in each model's standardised units
};

}  // namespace tunelab::gp
