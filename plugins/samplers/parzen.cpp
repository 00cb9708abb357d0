#include "plugins/samplers/parzen.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tunelab::tpe {
namespace {

constexpr double kSqrt2 = 1.4142135623730951;

double normal_cdf(double z) { return 0.5 * std::erfc(-z / kSqrt2); }

double log_sum_exp(const std::vector<double>& terms) {
  const double top = *std::max_element(terms.begin(), terms.end());
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

// Optuna's bandwidths for one numeric dimension (univariate form): each
// observation's component as wide as the larger gap to its sorted
// neighbours among the observations (the extremes: the gap to their one
// neighbour; a lone observation: its larger distance to an end of the
// range); the prior (at `prior_index`) spans the range; all clipped to
// [1 / min(100, 1 + kernels), 1].
std::vector<double> neighbour_bandwidths(const std::vector<double>& mus, std::size_t prior_index,
                                         double kernels) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < mus.size(); ++i)
    if (i != prior_index) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return mus[a] < mus[b]; });
  std::vector<double> sigmas(mus.size(), 1.0);
  const double min_sigma = 1.0 / std::min(100.0, 1.0 + kernels);
  const std::size_t m = order.size();
  for (std::size_t i = 0; i < m; ++i) {
    const double x = mus[order[i]];
    const double left = m == 1 ? x : i == 0 ? 0.0 : x - mus[order[i - 1]];
    const double right = m == 1 ? 1 - x : i + 1 == m ? 0.0 : mus[order[i + 1]] - x;
    sigmas[order[i]] = std::clamp(std::max(left, right), min_sigma, 1.0);
  }
  return sigmas;
}

}  // namespace

ParzenEstimator::ParzenEstimator(const SearchSpace& space, const std::vector<Point>& points,
                                 const std::vector<double>& weights, const ParzenOptions& options)
    : weigh_by_bandwidth_(options.weigh_by_bandwidth) {
  const std::size_t n = points.size();
  // Components: the observations, then the prior.
  weights_ = weights;
  weights_.push_back(options.prior_weight);
  const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  for (double& w : weights_) w /= total;

  const std::size_t d_count = space.dimensions.size();
  for (std::size_t d = 0; d < d_count; ++d) {
    const Dimension& dim = space.dimensions[d];
    Dim out;
    if (dim.kind == Dimension::Kind::categorical) {
      out.categorical = true;
      out.choices = dim.choices.size();
      const double share = options.prior_weight / static_cast<double>(out.choices);
      for (std::size_t k = 0; k <= n; ++k) {
        std::vector<double> probs(out.choices, share);
        if (k < n) probs[static_cast<std::size_t>(points[k][d])] += 1;
        const double sum = std::accumulate(probs.begin(), probs.end(), 0.0);
        for (double& p : probs) p /= sum;
        out.probs.push_back(probs);
      }
    } else {
      for (std::size_t k = 0; k < n; ++k) out.mus.push_back(points[k][d]);
      out.mus.push_back(0.5);
      if (options.bandwidth == Bandwidth::scott) {
        const double sigma = 0.2 * std::pow(std::max<double>(static_cast<double>(n), 1.0),
                                            -1.0 / (static_cast<double>(d_count) + 4));
        const double min_sigma = 1.0 / std::min(100.0, 1.0 + static_cast<double>(n + 1));
        out.sigmas.assign(n, std::max(sigma, min_sigma));
        out.sigmas.push_back(1.0);
      } else {
        out.sigmas = neighbour_bandwidths(
            out.mus, n,
            options.narrowest_kernels > 0 ? options.narrowest_kernels : static_cast<double>(n + 1));
      }
    }
    dims_.push_back(std::move(out));
  }
}

std::size_t ParzenEstimator::component(double u) const {
  double cumulative = 0;
  for (std::size_t k = 0; k < weights_.size(); ++k) {
    cumulative += weights_[k];
    if (u < cumulative) return k;
  }
  return weights_.size() - 1;
}

double ParzenEstimator::sample(std::size_t k, std::size_t d, double u) const {
  const Dim& dim = dims_[d];
  if (dim.categorical) {
    double cumulative = 0;
    for (std::size_t c = 0; c < dim.choices; ++c) {
      cumulative += dim.probs[k][c];
      if (u < cumulative) return static_cast<double>(c);
    }
    return static_cast<double>(dim.choices - 1);
  }
  // The normal truncated to [0, 1], by inverting its CDF (bisection: exact
  // enough, and never stuck as rejection can be for a component far out).
  const double mu = dim.mus[k], sigma = dim.sigmas[k];
  const double a = normal_cdf((0 - mu) / sigma), b = normal_cdf((1 - mu) / sigma);
  const double target = a + u * (b - a);
  double lo = 0, hi = 1;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (normal_cdf((mid - mu) / sigma) < target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double ParzenEstimator::log_pdf(std::size_t k, std::size_t d, double x) const {
  const Dim& dim = dims_[d];
  if (dim.categorical) return std::log(dim.probs[k][static_cast<std::size_t>(x)]);
  const double mu = dim.mus[k], sigma = dim.sigmas[k];
  const double mass = normal_cdf((1 - mu) / sigma) - normal_cdf((0 - mu) / sigma);
  const double z = (x - mu) / sigma;
  const double scale = weigh_by_bandwidth_ ? std::sqrt(2 * M_PI) : sigma * std::sqrt(2 * M_PI);
  return -0.5 * z * z - std::log(scale) -
         std::log(std::max(mass, std::numeric_limits<double>::min()));
}

double ParzenEstimator::joint_log_pdf(const Point& x) const {
  std::vector<double> terms;
  for (std::size_t k = 0; k < weights_.size(); ++k) {
    double t = std::log(weights_[k]);
    for (std::size_t d = 0; d < dims_.size(); ++d) t += log_pdf(k, d, x[d]);
    terms.push_back(t);
  }
  return log_sum_exp(terms);
}

double ParzenEstimator::marginal_log_pdf(std::size_t d, double x) const {
  std::vector<double> terms;
  for (std::size_t k = 0; k < weights_.size(); ++k)
    terms.push_back(std::log(weights_[k]) + log_pdf(k, d, x));
  return log_sum_exp(terms);
}

}  // namespace tunelab::tpe
