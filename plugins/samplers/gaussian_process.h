#pragma once
// A Gaussian-process (Kriging) regression model for the `gp` sampler: an
// anisotropic Matérn 5/2 kernel with one length scale per input, a signal
// variance and a nugget, fitted by maximum marginal likelihood (NLopt's
// BOBYQA from several starts), linear algebra by Eigen.

#include <cstdint>

#include <Eigen/Dense>

namespace tunelab::gp {

class GaussianProcess {
 public:
  // Fits to inputs `x` (one row per observation, in the unit cube) and
  // targets `y`; `seed` picks the extra starting points of the fit.
  GaussianProcess(Eigen::MatrixXd x, const Eigen::VectorXd& y, std::uint64_t seed);

  // The posterior mean and standard deviation of the (noise-free) function
  // at `at`, in the units of y.
  std::pair<double, double> predict(const Eigen::VectorXd& at) const;

  // Expected improvement over `best` (minimisation) at `at`.
  double expected_improvement(const Eigen::VectorXd& at, double best) const;

  const Eigen::VectorXd& length_scales() const { return lengths_; }

 private:
  // Negative log marginal likelihood of the standardised targets under
  // log-parameters theta = (log lengths..., log signal variance, log nugget);
  // +inf when the kernel matrix is not positive definite.
  double negative_log_likelihood(const Eigen::VectorXd& theta) const;
  Eigen::MatrixXd kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                         const Eigen::VectorXd& lengths, double signal) const;
  void set(const Eigen::VectorXd& theta);

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  // standardised
  double y_mean_ = 0, y_scale_ = 1;
  Eigen::VectorXd lengths_;
  double signal_ = 1, noise_ = 1e-3;
  Eigen::LLT<Eigen::MatrixXd> cholesky_;
  Eigen::VectorXd alpha_;  // K^-1 y
};

}  // namespace tunelab::gp
