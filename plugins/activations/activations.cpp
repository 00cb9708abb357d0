// Built-in activations: every elementwise activation module LibTorch offers
// that is worth tuning over, with PyTorch's defaults for their options.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

template <typename Module>
ActivationFactory without_options() {
  return [](const nlohmann::json& json) {
    OptionSpecs{}.read(json);
    return nn::AnyModule(Module());
  };
}

const OptionSpecs kLeakyRelu{{"negative_slope", OptionType::number, 0.01, "the slope for x < 0"}};
const OptionSpecs kPrelu{{"num_parameters", OptionType::integer, 1,
                          "learned slopes: 1, or one per input channel", OptionCheck::at_least(1)},
                         {"init", OptionType::number, 0.25, "the slopes' initial value"}};
const OptionSpecs kElu{{"alpha", OptionType::number, 1.0, "the value approached for x -> -inf"}};
const OptionSpecs kCelu{{"alpha", OptionType::number, 1.0, "the value approached for x -> -inf",
                         OptionCheck::positive()}};
const OptionSpecs kGelu{{"approximate", OptionType::text, "none",
                         "none (the exact erf form) or tanh (its tanh approximation)"}};
const OptionSpecs kSoftplus{
    {"beta", OptionType::number, 1.0, "the sharpness of the bend", OptionCheck::positive()},
    {"threshold", OptionType::number, 20.0, "beta * x above which it is linear"}};
const OptionSpecs kHardtanh{{"min_val", OptionType::number, -1.0, "the lower clip"},
                            {"max_val", OptionType::number, 1.0, "the upper clip, > min_val"}};
const OptionSpecs kRrelu{
    {"lower", OptionType::number, 1.0 / 8, "the smallest random slope"},
    {"upper", OptionType::number, 1.0 / 3, "the largest random slope, >= lower"}};

}  // namespace

void register_activations(Registrar& registrar) {
  auto& r = registrar.activations;
  r.add("relu", "max(0, x)", without_options<nn::ReLU>());
  r.add("relu6", "min(max(0, x), 6)", without_options<nn::ReLU6>());
  r.add("leaky_relu", "x for x > 0, else negative_slope * x", kLeakyRelu,
        [](const nlohmann::json& json) {
          const Args args = kLeakyRelu.read(json);
          return nn::AnyModule(
              nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(args.number("negative_slope"))));
        });
  r.add("prelu", "leaky ReLU with a learned slope", kPrelu, [](const nlohmann::json& json) {
    const Args args = kPrelu.read(json);
    return nn::AnyModule(nn::PReLU(nn::PReLUOptions()
                                       .num_parameters(args.integer("num_parameters"))
                                       .init(args.number("init"))));
  });
  r.add("elu", "x for x > 0, else alpha * (exp(x) - 1)", kElu, [](const nlohmann::json& json) {
    return nn::AnyModule(nn::ELU(nn::ELUOptions().alpha(kElu.read(json).number("alpha"))));
  });
  r.add("celu", "continuously differentiable ELU", kCelu, [](const nlohmann::json& json) {
    return nn::AnyModule(nn::CELU(nn::CELUOptions().alpha(kCelu.read(json).number("alpha"))));
  });
  r.add("selu", "scaled ELU (self-normalising)", without_options<nn::SELU>());
  r.add("gelu", "Gaussian error linear unit", kGelu, [](const nlohmann::json& json) {
    const std::string approximate = kGelu.read(json).text("approximate");
    if (approximate != "none" && approximate != "tanh")
      throw ConfigError("approximate", "expected 'none' or 'tanh', got '" + approximate + "'");
    return nn::AnyModule(nn::GELU(nn::GELUOptions().approximate(approximate)));
  });
  r.add("silu", "x * sigmoid(x), also called swish", without_options<nn::SiLU>());
  r.add("mish", "x * tanh(softplus(x))", without_options<nn::Mish>());
  r.add("tanh", "hyperbolic tangent", without_options<nn::Tanh>());
  r.add("sigmoid", "1 / (1 + exp(-x))", without_options<nn::Sigmoid>());
  r.add("logsigmoid", "log(sigmoid(x))", without_options<nn::LogSigmoid>());
  r.add("softplus", "log(1 + exp(beta * x)) / beta", kSoftplus, [](const nlohmann::json& json) {
    const Args args = kSoftplus.read(json);
    return nn::AnyModule(nn::Softplus(
        nn::SoftplusOptions().beta(args.number("beta")).threshold(args.number("threshold"))));
  });
  r.add("softsign", "x / (1 + |x|)", without_options<nn::Softsign>());
  r.add("tanhshrink", "x - tanh(x)", without_options<nn::Tanhshrink>());
  r.add("hardtanh", "x clipped to [min_val, max_val]", kHardtanh, [](const nlohmann::json& json) {
    const Args args = kHardtanh.read(json);
    const double low = args.number("min_val"), high = args.number("max_val");
    if (!(low < high)) throw ConfigError("max_val", "must be greater than min_val");
    return nn::AnyModule(nn::Hardtanh(nn::HardtanhOptions().min_val(low).max_val(high)));
  });
  r.add("rrelu", "leaky ReLU with a random slope in [lower, upper] while training", kRrelu,
        [](const nlohmann::json& json) {
          const Args args = kRrelu.read(json);
          const double lower = args.number("lower"), upper = args.number("upper");
          if (!(lower <= upper)) throw ConfigError("upper", "must not be less than lower");
          return nn::AnyModule(nn::RReLU(nn::RReLUOptions().lower(lower).upper(upper)));
        });
}

}  // namespace tunelab
