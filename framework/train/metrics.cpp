#include "train/metrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace tunelab {
namespace {

// The area under the ROC curve of `score` for telling `positive` rows from
// the others: the Mann-Whitney statistic, ties counted half. NaN without
// both kinds of rows.
double roc_auc(const std::vector<double>& score, const std::vector<bool>& positive) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && score[order[j]] == score[order[i]]) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (positive[order[k]]) rank_sum += mean_rank, ++positives;
    i = j;
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nan("");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace

at::Tensor class_probabilities(const at::Tensor& logits) {
  if (logits.size(1) == 1) {
    const at::Tensor p = torch::sigmoid(logits);
    return torch::cat({1 - p, p}, 1);
  }
  return torch::softmax(logits, 1);
}

std::map<std::string, double> regression_metrics(const at::Tensor& predicted,
                                                 const at::Tensor& actual) {
  const at::Tensor p = predicted.to(torch::kFloat64), a = actual.to(torch::kFloat64);
  const at::Tensor error = p - a;
  const double sse = error.pow(2).sum().item<double>();
  const double sst = (a - a.mean(0, true)).pow(2).sum().item<double>();
  return {{"rmse", std::sqrt(error.pow(2).mean().item<double>())},
          {"mae", error.abs().mean().item<double>()},
          {"r2", sst > 0 ? 1 - sse / sst : std::nan("")}};
}

double log_loss(const at::Tensor& probabilities, const at::Tensor& codes) {
  const at::Tensor p = probabilities.to(torch::kFloat64).clamp(1e-15, 1.0);
  const at::Tensor picked = p.gather(1, codes.to(torch::kInt64).reshape({-1, 1}));
  return -picked.log().mean().item<double>();
}

std::map<std::string, double> classification_metrics(const at::Tensor& probabilities,
                                                     const at::Tensor& codes) {
  const at::Tensor p = probabilities.to(torch::kFloat64).contiguous();
  const at::Tensor y = codes.to(torch::kInt64).reshape({-1}).contiguous();
  const std::int64_t rows = p.size(0), classes = p.size(1);
  const at::Tensor chosen = p.argmax(1);
  std::map<std::string, double> out{{"accuracy", chosen.eq(y).to(torch::kFloat64).mean().item<double>()},
                                    {"logloss", log_loss(p, y)}};
  const auto pa = p.accessor<double, 2>();
  const auto ya = y.accessor<std::int64_t, 1>();
  double auc_sum = 0;
  int auc_count = 0;
  for (std::int64_t c = classes == 2 ? 1 : 0; c < classes; ++c) {
    std::vector<double> score(static_cast<std::size_t>(rows));
    std::vector<bool> positive(static_cast<std::size_t>(rows));
    for (std::int64_t i = 0; i < rows; ++i) {
      score[static_cast<std::size_t>(i)] = pa[i][c];
      positive[static_cast<std::size_t>(i)] = ya[i] == c;
    }
    const double auc = roc_auc(score, positive);
    if (!std::isnan(auc)) auc_sum += auc, ++auc_count;
  }
  out["auc"] = auc_count ? auc_sum / auc_count : std::nan("");
  if (classes == 2) {
    const auto ca = chosen.accessor<std::int64_t, 1>();
    double tp = 0, fp = 0, fn = 0;
    for (std::int64_t i = 0; i < rows; ++i) {
      tp += ca[i] == 1 && ya[i] == 1;
      fp += ca[i] == 1 && ya[i] != 1;
      fn += ca[i] != 1 && ya[i] == 1;
    }
    out["f1"] = tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : std::nan("");
  }
  return out;
}

}  // namespace tunelab
