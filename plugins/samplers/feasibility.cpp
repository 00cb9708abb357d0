#include "plugins/samplers/feasibility.h"

#include <cmath>

namespace tunelab::gp {

Feasibility::Feasibility(const Eigen::MatrixXd& x, const Eigen::MatrixXd& values) {
  for (long c = 0; c < values.cols(); ++c) {
    std::vector<long> known;
    for (long i = 0; i < values.rows(); ++i)
      if (std::isfinite(values(i, c))) known.push_back(i);
    if (known.size() < 2) continue;
    const long n = static_cast<long>(known.size());
    Eigen::MatrixXd inputs(n, x.cols());
    Eigen::VectorXd y(n);
    for (long k = 0; k < n; ++k) {
      inputs.row(k) = x.row(known[static_cast<std::size_t>(k)]);
      y(k) = values(known[static_cast<std::size_t>(k)], c);
    }
    const double mean = y.mean();
    double sd = std::sqrt((y.array() - mean).square().mean());
    if (!(sd > 0)) sd = 1;
    y = (y.array() - mean) / sd;
    const Fit fit = fit_hyperparameters(inputs, y, Starts::unit_cube);
    models_.emplace_back(inputs, y, fit.hyperparameters);
    thresholds_.push_back(-mean / sd);
  }
}

Eigen::VectorXd Feasibility::log_probability(const Eigen::MatrixXd& at) const {
  Eigen::VectorXd total = Eigen::VectorXd::Zero(at.rows());
  Eigen::VectorXd mean, sd;
  for (std::size_t c = 0; c < models_.size(); ++c) {
    models_[c].predict(at, mean, sd);
    for (long i = 0; i < at.rows(); ++i)
      total(i) += log_normal_cdf((thresholds_[c] - mean(i)) / std::max(sd(i), 1e-12));
  }
  return total;
}

}  // namespace tunelab::gp
