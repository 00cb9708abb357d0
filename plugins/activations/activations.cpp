// Built-in activations: every elementwise activation module LibTorch offers
// that is worth tuning over, with PyTorch's defaults for their options.

#include <torch/torch.h>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

template <typename Module>
ActivationFactory without_options() {
  return [](const nlohmann::json& json) {
    Args(json).allow_only({});
    return nn::AnyModule(Module());
  };
}

}  // namespace

void register_activations(Registrar& registrar) {
  auto& r = registrar.activations;
  r.add("relu", "max(0, x)", without_options<nn::ReLU>());
  r.add("relu6", "min(max(0, x), 6)", without_options<nn::ReLU6>());
  r.add("leaky_relu", "x for x > 0, else negative_slope * x (default 0.01)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"negative_slope"});
          return nn::AnyModule(nn::LeakyReLU(
              nn::LeakyReLUOptions().negative_slope(args.number("negative_slope", 0.01))));
        });
  r.add("prelu", "leaky ReLU with a learned slope (num_parameters, init 0.25)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"num_parameters", "init"});
          const auto count = args.integer("num_parameters", 1);
          require_at_least("num_parameters", count, 1);
          return nn::AnyModule(
              nn::PReLU(nn::PReLUOptions().num_parameters(count).init(args.number("init", 0.25))));
        });
  r.add("elu", "x for x > 0, else alpha * (exp(x) - 1) (default alpha 1)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"alpha"});
          return nn::AnyModule(nn::ELU(nn::ELUOptions().alpha(args.number("alpha", 1.0))));
        });
  r.add("celu", "continuously differentiable ELU (default alpha 1)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"alpha"});
          const double alpha = args.number("alpha", 1.0);
          require_positive("alpha", alpha);
          return nn::AnyModule(nn::CELU(nn::CELUOptions().alpha(alpha)));
        });
  r.add("selu", "scaled ELU (self-normalising)", without_options<nn::SELU>());
  r.add("gelu", "Gaussian error linear unit (approximate: none or tanh)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"approximate"});
          const std::string approximate = args.text("approximate", "none");
          if (approximate != "none" && approximate != "tanh")
            throw ConfigError("approximate",
                              "expected 'none' or 'tanh', got '" + approximate + "'");
          return nn::AnyModule(nn::GELU(nn::GELUOptions().approximate(approximate)));
        });
  r.add("silu", "x * sigmoid(x), also called swish", without_options<nn::SiLU>());
  r.add("mish", "x * tanh(softplus(x))", without_options<nn::Mish>());
  r.add("tanh", "hyperbolic tangent", without_options<nn::Tanh>());
  r.add("sigmoid", "1 / (1 + exp(-x))", without_options<nn::Sigmoid>());
  r.add("logsigmoid", "log(sigmoid(x))", without_options<nn::LogSigmoid>());
  r.add("softplus", "log(1 + exp(beta * x)) / beta (defaults beta 1, threshold 20)",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"beta", "threshold"});
          const double beta = args.number("beta", 1.0);
          require_positive("beta", beta);
          return nn::AnyModule(nn::Softplus(
              nn::SoftplusOptions().beta(beta).threshold(args.number("threshold", 20.0))));
        });
  r.add("softsign", "x / (1 + |x|)", without_options<nn::Softsign>());
  r.add("tanhshrink", "x - tanh(x)", without_options<nn::Tanhshrink>());
  r.add("hardtanh", "x clipped to [min_val, max_val] (default [-1, 1])",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"min_val", "max_val"});
          const double low = args.number("min_val", -1.0), high = args.number("max_val", 1.0);
          if (!(low < high)) throw ConfigError("max_val", "must be greater than min_val");
          return nn::AnyModule(nn::Hardtanh(nn::HardtanhOptions().min_val(low).max_val(high)));
        });
  r.add("rrelu", "leaky ReLU with a random slope in [lower, upper] while training",
        [](const nlohmann::json& json) {
          const Args args(json);
          args.allow_only({"lower", "upper"});
          const double lower = args.number("lower", 1.0 / 8), upper = args.number("upper", 1.0 / 3);
          if (!(lower <= upper)) throw ConfigError("upper", "must not be less than lower");
          return nn::AnyModule(nn::RReLU(nn::RReLUOptions().lower(lower).upper(upper)));
        });
}

}  // namespace tunelab
