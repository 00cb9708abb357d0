#include "plugins/samplers/gaussian_process.h"

#include <nlopt.hpp>

#include <cmath>
#include <limits>

#include "common/derived_seeds.h"

namespace tunelab::gp {
namespace {

constexpr double kSqrt5 = 2.23606797749979;

// Bounds of the log-parameters: length scales from 1% to 10 times the unit
// cube, signal variance of the standardised targets, nugget.
constexpr double kLogLengthLow = -4.6, kLogLengthHigh = 2.3;
constexpr double kLogSignalLow = -3, kLogSignalHigh = 3;
constexpr double kLogNoiseLow = -13.8, kLogNoiseHigh = 0;

}  // namespace

GaussianProcess::GaussianProcess(Eigen::MatrixXd x, const Eigen::VectorXd& y, std::uint64_t seed)
    : x_(std::move(x)) {
  y_mean_ = y.mean();
  const double var = (y.array() - y_mean_).square().mean();
  y_scale_ = var > 0 ? std::sqrt(var) : 1.0;
  y_ = (y.array() - y_mean_) / y_scale_;

  const int d = static_cast<int>(x_.cols());
  const int p = d + 2;
  std::vector<double> low(static_cast<std::size_t>(p)), high(static_cast<std::size_t>(p));
  for (int i = 0; i < d; ++i) low[i] = kLogLengthLow, high[i] = kLogLengthHigh;
  low[d] = kLogSignalLow, high[d] = kLogSignalHigh;
  low[d + 1] = kLogNoiseLow, high[d + 1] = kLogNoiseHigh;

  // Starts: a moderate default, then seeded random points in the bounds.
  std::vector<std::vector<double>> starts;
  std::vector<double> first(static_cast<std::size_t>(p), std::log(0.3));
  first[d] = 0;
  first[d + 1] = std::log(1e-3);
  starts.push_back(first);
  for (std::uint64_t s = 0; s < 2; ++s) {
    std::vector<double> start(static_cast<std::size_t>(p));
    for (int i = 0; i < p; ++i)
      start[i] = low[i] + (high[i] - low[i]) * unit_interval(derive_seed(
                                                   seed, s * 1000 + static_cast<std::uint64_t>(i)));
    starts.push_back(start);
  }

  double best = std::numeric_limits<double>::infinity();
  std::vector<double> best_theta = first;
  for (const auto& start : starts) {
    nlopt::opt optimizer(nlopt::LN_BOBYQA, static_cast<unsigned>(p));
    optimizer.set_lower_bounds(low);
    optimizer.set_upper_bounds(high);
    optimizer.set_maxeval(60 * p);
    optimizer.set_xtol_rel(1e-4);
    optimizer.set_min_objective(
        [](const std::vector<double>& theta, std::vector<double>&, void* self) {
          const double v = static_cast<const GaussianProcess*>(self)->negative_log_likelihood(
              Eigen::Map<const Eigen::VectorXd>(theta.data(), static_cast<long>(theta.size())));
          return std::isfinite(v) ? v : 1e100;
        },
        this);
    std::vector<double> theta = start;
    double value = 0;
    try {
      optimizer.optimize(theta, value);
    } catch (const std::exception&) {
      value = negative_log_likelihood(
          Eigen::Map<const Eigen::VectorXd>(theta.data(), static_cast<long>(theta.size())));
    }
    if (value < best) best = value, best_theta = theta;
  }
  set(Eigen::Map<const Eigen::VectorXd>(best_theta.data(), static_cast<long>(best_theta.size())));
}

Eigen::MatrixXd GaussianProcess::kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                        const Eigen::VectorXd& lengths, double signal) const {
  Eigen::MatrixXd k(a.rows(), b.rows());
  const Eigen::RowVectorXd inverse = lengths.cwiseInverse().transpose();
  for (long i = 0; i < a.rows(); ++i) {
    const Eigen::RowVectorXd ai = a.row(i).cwiseProduct(inverse);
    for (long j = 0; j < b.rows(); ++j) {
      const double r = std::sqrt((ai - b.row(j).cwiseProduct(inverse)).squaredNorm());
      k(i, j) = signal * (1 + kSqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-kSqrt5 * r);
    }
  }
  return k;
}

double GaussianProcess::negative_log_likelihood(const Eigen::VectorXd& theta) const {
  const long d = x_.cols();
  const Eigen::VectorXd lengths = theta.head(d).array().exp();
  const double signal = std::exp(theta(d)), noise = std::exp(theta(d + 1));
  Eigen::MatrixXd k = kernel(x_, x_, lengths, signal);
  k.diagonal().array() += noise + 1e-9;
  const Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd alpha = llt.solve(y_);
  const double log_det = 2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return 0.5 * y_.dot(alpha) + 0.5 * log_det +
         0.5 * static_cast<double>(y_.size()) * std::log(2 * M_PI);
}

void GaussianProcess::set(const Eigen::VectorXd& theta) {
  const long d = x_.cols();
  lengths_ = theta.head(d).array().exp();
  signal_ = std::exp(theta(d));
  noise_ = std::exp(theta(d + 1));
  Eigen::MatrixXd k = kernel(x_, x_, lengths_, signal_);
  k.diagonal().array() += noise_ + 1e-9;
  cholesky_.compute(k);
  alpha_ = cholesky_.solve(y_);
}

std::pair<double, double> GaussianProcess::predict(const Eigen::VectorXd& at) const {
  const Eigen::VectorXd k = kernel(at.transpose(), x_, lengths_, signal_).transpose();
  const double mean = k.dot(alpha_);
  const Eigen::VectorXd v = cholesky_.matrixL().solve(k);
  const double variance = std::max(signal_ - v.squaredNorm(), 1e-12);
  return {y_mean_ + y_scale_ * mean, y_scale_ * std::sqrt(variance)};
}

double GaussianProcess::expected_improvement(const Eigen::VectorXd& at, double best) const {
  const auto [mean, sd] = predict(at);
  const double improvement = best - mean;
  const double z = improvement / sd;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  return improvement * cdf + sd * pdf;
}

}  // namespace tunelab::gp
