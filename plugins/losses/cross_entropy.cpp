// The classification loss: binary cross-entropy of one logit for two
// classes, softmax cross-entropy for more, as PyTorch computes them.

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "common/option_specs.h"
#include "plugins/builtins.h"
#include "train/lean_layer.h"

namespace tunelab {
namespace {

// Beyond this ratio of the largest class weight to the smallest, the lighter
// classes are all but absent from the loss: more often a slip than a choice.
constexpr double kMostWeightRatio = 1e4;

const OptionSpecs kCrossEntropyOptions{
    {"label_smoothing", OptionType::number, 0.0,
     "the share of each target spread evenly over the classes", OptionCheck::in_unit_interval()},
    {"class_weights", OptionType::numbers, nullptr,
     "one weight per class, in the classes' sorted order (default: all 1)"}};

// Cross-entropy for the hand-written step (train/lean_layer.h), as PyTorch
// computes it without class weights: for two classes the binary
// cross-entropy of one logit's sigmoid, the target smoothed to
// code (1 - s) + s / 2; for more, the softmax over the row's logits, the
// target smoothed to (1 - s) one-hot + s / K. The sums in double.
LeanLossKernel lean_cross_entropy(double smoothing) {
  return
      [smoothing](const float* logits, const float* codes, int rows, int outputs, float* d_logits) {
        double loss = 0;
        const double scale = 1.0 / rows;
        if (outputs == 1) {
          for (int r = 0; r < rows; ++r) {
            const double z = logits[r];
            const double t = codes[r] * (1 - smoothing) + 0.5 * smoothing;
            // log(1 + e^-|z|) keeps large logits finite.
            loss += std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::abs(z)));
            d_logits[r] = static_cast<float>((1 / (1 + std::exp(-z)) - t) * scale);
          }
          return loss * scale;
        }
        const double off = smoothing / outputs, on = 1 - smoothing + off;
        for (int r = 0; r < rows; ++r) {
          const float* z = logits + static_cast<std::ptrdiff_t>(r) * outputs;
          float* d = d_logits + static_cast<std::ptrdiff_t>(r) * outputs;
          const int code = static_cast<int>(codes[r]);
          const double top = *std::max_element(z, z + outputs);
          double sum = 0;
          for (int k = 0; k < outputs; ++k) sum += std::exp(z[k] - top);
          const double log_sum = top + std::log(sum);
          for (int k = 0; k < outputs; ++k) {
            const double target = k == code ? on : off;
            const double log_p = z[k] - log_sum;
            loss -= target * log_p;
            d[k] = static_cast<float>((std::exp(log_p) - target) * scale);
          }
        }
        return loss * scale;
      };
}

}  // namespace

void register_cross_entropy_loss(Registrar& registrar) {
  registrar.losses.add(
      "cross_entropy", "classification: log loss of the predicted class probabilities",
      kCrossEntropyOptions, [](const nlohmann::json& json) -> Loss {
        const Args args = kCrossEntropyOptions.read(json);
        const double smoothing = args.number("label_smoothing");
        if (smoothing >= 1)
          throw ConfigError("label_smoothing", "must be below 1 (1 would leave no target)");
        const std::vector<double> weights = args.numbers("class_weights", {});
        // A class weighed 0 is a class the loss ignores: with every class at
        // 0 the loss is 0 whatever the model does, and "best val_loss 0"
        // would win. Weights so far apart that one class is all the loss
        // are the same mistake, nearly.
        for (std::size_t i = 0; i < weights.size(); ++i)
          if (!(weights[i] > 0) || !std::isfinite(weights[i]))
            throw ConfigError(fmt::format("class_weights[{}]", i),
                              fmt::format("must be a finite number above 0, got {}", weights[i]));
        if (!weights.empty()) {
          const auto [low, high] = std::minmax_element(weights.begin(), weights.end());
          if (*high / *low > kMostWeightRatio)
            throw ConfigError("class_weights",
                              fmt::format("the largest weight is {:g} times the smallest, more "
                                          "than the {:g} that leaves every class in the loss",
                                          *high / *low, kMostWeightRatio));
        }
        Loss loss = [smoothing, weights](const at::Tensor& logits, const at::Tensor& codes) {
          const at::Tensor target = codes.reshape({-1}).to(torch::kInt64);
          const auto classes = std::max<std::int64_t>(2, logits.size(1));
          if (!weights.empty() && static_cast<std::int64_t>(weights.size()) != classes)
            throw ConfigError("trainer.loss_args.class_weights",
                              fmt::format("{} weights for {} classes", weights.size(), classes));
          const at::Tensor w = weights.empty() ? at::Tensor()
                                               : torch::tensor(weights, torch::kFloat32)
                                                     .to(logits.device());
          if (logits.size(1) == 1) {
            const at::Tensor t = codes.reshape({-1, 1}).to(logits.dtype()) * (1 - smoothing) +
                                 0.5 * smoothing;
            const at::Tensor row_weight =
                w.defined() ? w.index_select(0, target).reshape({-1, 1}) : at::Tensor();
            return torch::binary_cross_entropy_with_logits(logits, t, row_weight);
          }
          namespace F = torch::nn::functional;
          auto options = F::CrossEntropyFuncOptions().label_smoothing(smoothing);
          if (w.defined()) options = options.weight(w);
          return F::cross_entropy(logits, target, options);
        };
        loss.for_classes = true;
        // Class weights have no hand-written step: autograd's serves them.
        if (weights.empty()) loss.lean_kernel = lean_cross_entropy(smoothing);
        return loss;
      });
}

}  // namespace tunelab
