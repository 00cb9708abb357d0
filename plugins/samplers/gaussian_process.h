#pragma once
// A Gaussian-process (Kriging) regression model for the `gp` sampler: an
// anisotropic Matérn 5/2 kernel with one length scale per input, a signal
// variance and a noise variance, fitted by maximum a posteriori (the marginal
// likelihood times weak priors, NLopt's L-BFGS with the analytic gradient),
// and a constant mean estimated by generalised least squares (ordinary
// kriging); linear algebra by Eigen. Targets are expected standardised
// (mean 0, variance 1): the priors are stated in those units.

#include <Eigen/Dense>

namespace tunelab::gp {

// The kernel's parameters, in logs so that any real vector is valid.
struct Hyperparameters {
  Eigen::VectorXd log_inverse_squared_lengths;  // one per input column
  double log_signal = 0;                        // the kernel's variance
  double log_noise = -4.6;                      // the noise variance above kMinimumNoise

  // Where a fit starts: length scales of the unit cube, unit signal, some noise.
  static Hyperparameters start(long inputs);
  Eigen::VectorXd packed() const;
  static Hyperparameters unpacked(const Eigen::VectorXd& theta);
};

// The noise variance never goes below this (in standardised units): a
// floor that keeps the kernel matrix well conditioned when trials repeat.
constexpr double kMinimumNoise = 1e-6;

// The hyperparameters of largest posterior density for inputs `x` (one row
// per observation, in the unit cube) and standardised targets `y`, and that
// density's negative log (up to a constant that depends on neither).
struct Fit {
  Hyperparameters hyperparameters;
  double negative_log_posterior = 0;
};
// Where the search for them starts: length scales of the unit cube with
// little noise, long ones with much noise, or both (the better fit kept).
// The likelihood of a rugged function has a mode of each kind (short scales
// fitting every ripple, or a smooth trend plus noise), and L-BFGS keeps to
// the one it starts in.
enum class Starts { unit_cube, smooth, both };
Fit fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                        Starts starts = Starts::both);

class GaussianProcess {
 public:
  GaussianProcess(Eigen::MatrixXd x, const Eigen::VectorXd& y, const Hyperparameters& h);

  // The posterior mean and standard deviation of the (noise-free) function
  // at each row of `at`.
  void predict(const Eigen::MatrixXd& at, Eigen::VectorXd& mean, Eigen::VectorXd& sd) const;

  // log expected improvement below `best` at each row of `at`.
  Eigen::VectorXd log_expected_improvement(const Eigen::MatrixXd& at, double best) const;
  // The same at one point, with its gradient over the inputs listed in
  // `columns` (the others held fixed).
  double log_expected_improvement(const Eigen::VectorXd& at, double best,
                                  const std::vector<long>& columns,
                                  Eigen::VectorXd& gradient) const;

 private:
  // Squared scaled distances between the rows of `at` and the observations.
  template <typename Rows>
  Eigen::MatrixXd scaled_distances(const Rows& at) const;

  Eigen::MatrixXd x_;
  Eigen::VectorXd inverse_squared_lengths_;
  double signal_ = 1;
  double mean_ = 0;                   // the constant mean, by generalised least squares
  Eigen::VectorXd alpha_;             // K^-1 (y - mean)
  Eigen::MatrixXd inverse_cholesky_;  // L^-1, where K = L L^T
  Eigen::MatrixXd inverse_;           // K^-1
};

// log E[max(0, best - f)] for f ~ N(mean, sd^2), and its derivatives by the
// mean and by sd; accurate far below the incumbent too, where EI itself
// underflows and the acquisition search would see a flat zero.
struct LogImprovement {
  double value, by_mean, by_sd;
};
LogImprovement log_expected_improvement(double mean, double sd, double best);

// log Phi(z), the standard normal's distribution function, accurate far in
// its lower tail too.
double log_normal_cdf(double z);

}  // namespace tunelab::gp
