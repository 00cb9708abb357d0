#include "plugins/samplers/gaussian_process.h"

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tunelab::gp {
namespace {

constexpr double kSqrt5 = 2.23606797749979;
constexpr double kLogSqrtTwoPi = 0.91893853320467274178;

// Matérn 5/2 of a squared scaled distance, and its derivative by that
// squared distance (finite at 0, unlike the derivative by the distance).
double matern(double r2) {
  const double s = kSqrt5 * std::sqrt(r2);
  return (1 + s + 5.0 / 3.0 * r2) * std::exp(-s);
}
double matern_slope(double r2) {
  const double s = kSqrt5 * std::sqrt(r2);
  return -5.0 / 6.0 * (1 + s) * std::exp(-s);
}
// matern() over a block at once, which Eigen vectorises.
Eigen::ArrayXXd matern(const Eigen::ArrayXXd& r2) {
  const Eigen::ArrayXXd s = (5 * r2).sqrt();
  return (1 + s + 5.0 / 3.0 * r2) * (-s).exp();
}

// The posterior variance is clamped above 0 (roundoff can take it below).
constexpr double kMinimumVariance = 1e-12;

// Rows of candidates scored at a time: blocks that stay in the cache.
constexpr long kBlockRows = 128;

// Bounds of the log-parameters, wide enough never to bind in a sensible fit;
// they keep the optimiser away from overflow.
constexpr double kLogLengthBound = 12, kLogSignalBound = 8, kLogNoiseLow = -30, kLogNoiseHigh = 3;

// The weak priors, as negative logs (constants dropped) and their
// derivatives by the log-parameters. Inverse squared length scales near 1
// (a length scale of the unit cube) are preferred, both much shorter and much
// longer ones are penalised; the signal variance has a Gamma(2, 1) prior, the
// noise variance a Gamma(1.1, 30) one, which favours little noise.
double negative_log_prior(const Hyperparameters& h, Eigen::VectorXd& gradient) {
  const long w = h.log_inverse_squared_lengths.size();
  double value = 0;
  for (long j = 0; j < w; ++j) {
    const double isl = std::exp(h.log_inverse_squared_lengths(j));
    value += 0.1 / isl + 0.1 * isl;
    gradient(j) = -0.1 / isl + 0.1 * isl;
  }
  const double signal = std::exp(h.log_signal);
  value -= h.log_signal - signal;
  gradient(w) = -1 + signal;
  const double excess = std::exp(h.log_noise), noise = kMinimumNoise + excess;
  value -= 0.1 * std::log(noise) - 30 * noise;
  gradient(w + 1) = (-0.1 / noise + 30) * excess;
  return value;
}

// The constant mean of largest likelihood for targets y under the kernel
// matrix K (its Cholesky factor): the generalised least-squares mean
// 1^T K^-1 y / 1^T K^-1 1, as ordinary kriging estimates it. It counts a
// cluster of correlated observations about once, where the plain average
// counts each: after a search has gathered many trials near a minimum the
// average sits low, and the GP, reverting to it away from the data, takes
// every unexplored corner for promising (on hartmann6 half of the trials
// after the 25th went to corners, all of them near the function's plateau).
template <typename Cholesky>
double constant_mean(const Cholesky& k, const Eigen::VectorXd& y) {
  const Eigen::VectorXd weights = k.solve(Eigen::VectorXd::Ones(y.size()));
  return weights.dot(y) / weights.sum();
}

// The negative log posterior density of the hyperparameters given the data,
// and its gradient: the marginal likelihood's is
// -1/2 tr((alpha alpha^T - K^-1) dK/dtheta), with alpha = K^-1 (y - m) and
// m the constant mean of largest likelihood under K (constant_mean()): m
// maximises the likelihood at each theta, so its own change with theta
// adds nothing to the gradient.
class Posterior {
 public:
  Posterior(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) : y_(y) {
    const long n = x.rows();
    for (long j = 0; j < x.cols(); ++j) {
      Eigen::ArrayXXd d(n, n);
      for (long b = 0; b < n; ++b)
        for (long a = 0; a < n; ++a) d(a, b) = (x(a, j) - x(b, j)) * (x(a, j) - x(b, j));
      squared_differences_.push_back(std::move(d));
    }
  }

  // Called some hundred times per fit: the n x n work matrices are kept
  // between calls rather than allocated anew each time.
  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    const Hyperparameters h = Hyperparameters::unpacked(theta);
    const long n = y_.size(), w = static_cast<long>(squared_differences_.size());
    r2_.setZero(n, n);
    for (long j = 0; j < w; ++j)
      r2_ += std::exp(h.log_inverse_squared_lengths(j)) * squared_differences_[j];
    const double signal = std::exp(h.log_signal), excess = std::exp(h.log_noise);
    root_ = (5 * r2_).sqrt();
    decay_ = (-root_).exp();
    shape_ = (1 + root_ + 5.0 / 3.0 * r2_) * decay_;  // Matérn 5/2
    k_ = signal * shape_.matrix();
    k_.diagonal().array() += kMinimumNoise + excess;
    const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(k_);  // in place
    gradient.setZero(theta.size());
    if (llt.info() != Eigen::Success) return 1e100;
    const Eigen::VectorXd centred = y_.array() - constant_mean(llt, y_);
    const Eigen::VectorXd alpha = llt.solve(centred);
    w_.setIdentity(n, n);
    llt.solveInPlace(w_);
    w_ = -w_;
    w_.noalias() += alpha * alpha.transpose();  // alpha alpha^T - K^-1
    // The Matérn's derivative by the squared distance, weighted by W.
    slope_ = w_.array() * (-5.0 / 6.0 * (1 + root_) * decay_);
    for (long j = 0; j < w; ++j)
      gradient(j) = -0.5 * signal * std::exp(h.log_inverse_squared_lengths(j)) *
                    (slope_ * squared_differences_[j]).sum();
    gradient(w) = -0.5 * signal * (w_.array() * shape_).sum();
    gradient(w + 1) = -0.5 * excess * w_.trace();
    const double log_det = 2 * llt.matrixLLT().diagonal().array().log().sum();
    Eigen::VectorXd prior_gradient(theta.size());
    const double value =
        0.5 * centred.dot(alpha) + 0.5 * log_det + negative_log_prior(h, prior_gradient);
    gradient += prior_gradient;
    return value;
  }

 private:
  Eigen::VectorXd y_;
  std::vector<Eigen::ArrayXXd> squared_differences_;
  Eigen::ArrayXXd r2_, root_, decay_, shape_, slope_;
  Eigen::MatrixXd k_, w_;
};

}  // namespace

Hyperparameters Hyperparameters::start(long inputs) {
  Hyperparameters h;
  h.log_inverse_squared_lengths = Eigen::VectorXd::Zero(inputs);
  return h;
}

Eigen::VectorXd Hyperparameters::packed() const {
  const long w = log_inverse_squared_lengths.size();
  Eigen::VectorXd theta(w + 2);
  theta << log_inverse_squared_lengths, log_signal, log_noise;
  return theta;
}

Hyperparameters Hyperparameters::unpacked(const Eigen::VectorXd& theta) {
  const long w = theta.size() - 2;
  Hyperparameters h;
  h.log_inverse_squared_lengths = theta.head(w);
  h.log_signal = theta(w);
  h.log_noise = theta(w + 1);
  return h;
}

Fit fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Starts starts) {
  Posterior posterior(x, y);
  const long p = x.cols() + 2;
  std::vector<double> low(static_cast<std::size_t>(p), -kLogLengthBound),
      high(static_cast<std::size_t>(p), kLogLengthBound);
  low[p - 2] = -kLogSignalBound, high[p - 2] = kLogSignalBound;
  low[p - 1] = kLogNoiseLow, high[p - 1] = kLogNoiseHigh;
  nlopt::opt optimizer(nlopt::LD_LBFGS, static_cast<unsigned>(p));
  optimizer.set_lower_bounds(low);
  optimizer.set_upper_bounds(high);
  optimizer.set_maxeval(200);
  optimizer.set_ftol_rel(1e-7);
  optimizer.set_min_objective(
      [](const std::vector<double>& theta, std::vector<double>& gradient, void* data) {
        const Eigen::Map<const Eigen::VectorXd> t(theta.data(), static_cast<long>(theta.size()));
        Eigen::VectorXd g;
        const double value = (*static_cast<Posterior*>(data))(t, g);
        if (!gradient.empty()) Eigen::Map<Eigen::VectorXd>(gradient.data(), g.size()) = g;
        return value;
      },
      &posterior);
  Fit best{Hyperparameters::start(x.cols()), std::numeric_limits<double>::infinity()};
  for (int s = 0; s < 2; ++s) {
    if ((s == 0 && starts == Starts::smooth) || (s == 1 && starts == Starts::unit_cube)) continue;
    Hyperparameters h = Hyperparameters::start(x.cols());
    if (s == 1)
      h.log_inverse_squared_lengths.setConstant(std::log(0.1)), h.log_noise = std::log(0.1);
    const Eigen::VectorXd start = h.packed();
    std::vector<double> theta(start.data(), start.data() + start.size());
    double value = 0;
    try {
      optimizer.optimize(theta, value);
    } catch (const std::exception&) {
      // L-BFGS stopped on a roundoff-limited step: where it got to is still a
      // fit (NLopt leaves theta at the best point found).
    }
    const Eigen::Map<const Eigen::VectorXd> found(theta.data(), static_cast<long>(theta.size()));
    Eigen::VectorXd gradient;
    const double at = posterior(found, gradient);
    if (at < best.negative_log_posterior) best = {Hyperparameters::unpacked(found), at};
  }
  return best;
}

template <typename Rows>
Eigen::MatrixXd GaussianProcess::scaled_distances(const Rows& at) const {
  const Eigen::RowVectorXd scale = inverse_squared_lengths_.cwiseSqrt().transpose();
  const Eigen::MatrixXd a = at.array().rowwise() * scale.array();
  const Eigen::MatrixXd b = x_.array().rowwise() * scale.array();
  Eigen::MatrixXd r2 = -2 * a * b.transpose();
  r2.colwise() += a.rowwise().squaredNorm();
  r2.rowwise() += b.rowwise().squaredNorm().transpose();
  return r2.cwiseMax(0.0);
}

GaussianProcess::GaussianProcess(Eigen::MatrixXd x, const Eigen::VectorXd& y,
                                 const Hyperparameters& h)
    : x_(std::move(x)),
      inverse_squared_lengths_(h.log_inverse_squared_lengths.array().exp()),
      signal_(std::exp(h.log_signal)) {
  Eigen::MatrixXd k =
      signal_ * scaled_distances(x_).unaryExpr([](double r2) { return matern(r2); });
  k.diagonal().array() += kMinimumNoise + std::exp(h.log_noise);
  const Eigen::LLT<Eigen::MatrixXd> cholesky(k);
  mean_ = constant_mean(cholesky, y);
  alpha_ = cholesky.solve((y.array() - mean_).matrix());
  // The explicit inverses turn the many solves of the acquisition search
  // into matrix products, the fastest kernels there are.
  const long n = x_.rows();
  inverse_cholesky_ = cholesky.matrixL().solve(Eigen::MatrixXd::Identity(n, n));
  inverse_ = inverse_cholesky_.transpose() * inverse_cholesky_;
}

void GaussianProcess::predict(const Eigen::MatrixXd& at, Eigen::VectorXd& mean,
                              Eigen::VectorXd& sd) const {
  mean.resize(at.rows());
  sd.resize(at.rows());
  for (long first = 0; first < at.rows(); first += kBlockRows) {
    const long rows = std::min(kBlockRows, at.rows() - first);
    const Eigen::MatrixXd k =
        signal_ * matern(scaled_distances(at.middleRows(first, rows)).array()).matrix();
    mean.segment(first, rows) = (k * alpha_).array() + mean_;
    // var = s - k K^-1 k^T = s - |L^-1 k^T|^2 per row.
    const Eigen::MatrixXd v = k * inverse_cholesky_.transpose();
    sd.segment(first, rows) =
        (signal_ - v.rowwise().squaredNorm().array()).cwiseMax(kMinimumVariance).sqrt();
  }
}

Eigen::VectorXd GaussianProcess::log_expected_improvement(const Eigen::MatrixXd& at,
                                                          double best) const {
  Eigen::VectorXd mean, sd;
  predict(at, mean, sd);
  Eigen::VectorXd value(at.rows());
  for (long i = 0; i < at.rows(); ++i)
    value(i) = gp::log_expected_improvement(mean(i), sd(i), best).value;
  return value;
}

double GaussianProcess::log_expected_improvement(const Eigen::VectorXd& at, double best,
                                                 const std::vector<long>& columns,
                                                 Eigen::VectorXd& gradient) const {
  const long n = x_.rows();
  const Eigen::MatrixXd difference = (-x_).rowwise() + at.transpose();
  Eigen::VectorXd k(n), slope(n);
  for (long i = 0; i < n; ++i) {
    const double r2 = difference.row(i).cwiseAbs2().dot(inverse_squared_lengths_);
    k(i) = signal_ * matern(r2);
    slope(i) = signal_ * matern_slope(r2);
  }
  const double mean = mean_ + k.dot(alpha_);
  const Eigen::VectorXd v = inverse_ * k;
  const double variance = signal_ - k.dot(v);
  const bool clamped = variance < kMinimumVariance;
  const double sd = std::sqrt(std::max(variance, kMinimumVariance));
  const LogImprovement l = gp::log_expected_improvement(mean, sd, best);
  // d k_i / d x_j = slope_i * 2 * isl_j * (x_j - X_ij): the mean moves with
  // alpha's weights, the variance with -2 v's.
  const Eigen::VectorXd by_mean = alpha_.cwiseProduct(slope),
                        by_variance = -2 * v.cwiseProduct(slope);
  gradient.resize(static_cast<long>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const long j = columns[c];
    const double mean_j = 2 * inverse_squared_lengths_(j) * by_mean.dot(difference.col(j));
    const double variance_j = 2 * inverse_squared_lengths_(j) * by_variance.dot(difference.col(j));
    const double sd_j = clamped ? 0 : variance_j / (2 * sd);
    gradient(static_cast<long>(c)) = l.by_mean * mean_j + l.by_sd * sd_j;
  }
  return l.value;
}

LogImprovement log_expected_improvement(double mean, double sd, double best) {
  const double z = (best - mean) / sd;
  double log_ei, cdf_over_ei, pdf_over_ei;  // ei(z) = z Phi(z) + phi(z)
  if (z > -25) {
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * z * z - kLogSqrtTwoPi);
    const double ei = z * cdf + pdf;
    log_ei = std::log(ei);
    cdf_over_ei = cdf / ei;
    pdf_over_ei = pdf / ei;
  } else {
    // The asymptotic series: ei(z) ~ phi(z) / z^2 (1 - 3/z^2 + 15/z^4) and
    // Phi(z) ~ phi(z) / |z| (1 - 1/z^2 + 3/z^4), where the direct formula
    // cancels to nothing.
    const double t = 1 / (z * z), series = 1 - 3 * t + 15 * t * t;
    log_ei = -0.5 * z * z - kLogSqrtTwoPi + std::log(t * series);
    cdf_over_ei = -z * (1 - t + 3 * t * t) / series;
    pdf_over_ei = 1 / (t * series);
  }
  // EI = sd ei(z); dEI/dmean = -Phi(z), dEI/dsd = phi(z).
  return {log_ei + std::log(sd), -cdf_over_ei / sd, pdf_over_ei / sd};
}

double log_normal_cdf(double z) {
  if (z > -25) return std::log(0.5 * std::erfc(-z / std::sqrt(2.0)));
  // Phi(z) ~ phi(z) / |z| (1 - 1/z^2 + 3/z^4), where erfc underflows.
  const double t = 1 / (z * z);
  return -0.5 * z * z - kLogSqrtTwoPi - std::log(-z) + std::log(1 - t + 3 * t * t);
}

}  // namespace tunelab::gp
