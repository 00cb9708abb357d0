// Built-in optimizers: LibTorch's, with PyTorch's defaults for their options.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace optim = torch::optim;

std::tuple<double, double> betas_from(const Args& args) {
  const auto& betas = args.section("betas");
  if (!betas.is_array() || betas.size() != 2 || !betas[0].is_number() || !betas[1].is_number())
    throw ConfigError("betas", "expected a list of two numbers, like [0.9, 0.999]");
  const double b1 = betas[0].get<double>(), b2 = betas[1].get<double>();
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    throw ConfigError("betas", "each beta must be in [0, 1)");
  return {b1, b2};
}

const OptionSpec kEps{"eps", OptionType::number, 1e-8,
                      "added to the denominator for numerical stability", OptionCheck::positive()};

const OptionSpecs kAdamOptions{
    {"betas", OptionType::any, {0.9, 0.999}, "decay rates of the first and second moments, [0, 1)"},
    kEps,
    {"amsgrad", OptionType::boolean, false, "use the maximum of past second moments"}};
const OptionSpecs kSgdOptions{
    {"momentum", OptionType::number, 0.0, "momentum factor", OptionCheck::non_negative()},
    {"dampening", OptionType::number, 0.0, "dampening of the momentum"},
    {"nesterov", OptionType::boolean, false,
     "Nesterov momentum (needs momentum > 0, dampening 0)"}};
const OptionSpecs kRmspropOptions{
    {"alpha", OptionType::number, 0.99, "smoothing constant"},
    kEps,
    {"momentum", OptionType::number, 0.0, "momentum factor", OptionCheck::non_negative()},
    {"centered", OptionType::boolean, false, "normalise by the gradient's estimated variance"}};
const OptionSpecs kAdagradOptions{
    {"lr_decay", OptionType::number, 0.0, "learning rate decay per step"},
    {"initial_accumulator_value", OptionType::number, 0.0, "start of the squared-gradient sum"},
    {"eps", OptionType::number, 1e-10, "added to the denominator for numerical stability",
     OptionCheck::positive()}};

// Adam and AdamW share their options; only how weight decay applies differs.
template <typename Optimizer, typename Options>
std::unique_ptr<optim::Optimizer> adam_family(std::vector<at::Tensor> params,
                                              const OptimizerSettings& s) {
  const Args args = kAdamOptions.read(s.args);
  return std::make_unique<Optimizer>(std::move(params),
                                     Options(s.lr)
                                         .betas(betas_from(args))
                                         .eps(args.number("eps"))
                                         .weight_decay(s.weight_decay)
                                         .amsgrad(args.boolean("amsgrad", false)));
}

std::unique_ptr<optim::Optimizer> sgd(std::vector<at::Tensor> params, const OptimizerSettings& s) {
  const Args args = kSgdOptions.read(s.args);
  const double momentum = args.number("momentum");
  const double dampening = args.number("dampening");
  const bool nesterov = args.boolean("nesterov", false);
  if (nesterov && (momentum <= 0 || dampening != 0))
    throw ConfigError("nesterov", "needs momentum > 0 and dampening 0");
  return std::make_unique<optim::SGD>(std::move(params), optim::SGDOptions(s.lr)
                                                             .momentum(momentum)
                                                             .dampening(dampening)
                                                             .nesterov(nesterov)
                                                             .weight_decay(s.weight_decay));
}

std::unique_ptr<optim::Optimizer> rmsprop(std::vector<at::Tensor> params,
                                          const OptimizerSettings& s) {
  const Args args = kRmspropOptions.read(s.args);
  return std::make_unique<optim::RMSprop>(std::move(params),
                                          optim::RMSpropOptions(s.lr)
                                              .alpha(args.number("alpha"))
                                              .eps(args.number("eps"))
                                              .momentum(args.number("momentum"))
                                              .centered(args.boolean("centered", false))
                                              .weight_decay(s.weight_decay));
}

std::unique_ptr<optim::Optimizer> adagrad(std::vector<at::Tensor> params,
                                          const OptimizerSettings& s) {
  const Args args = kAdagradOptions.read(s.args);
  return std::make_unique<optim::Adagrad>(
      std::move(params), optim::AdagradOptions(s.lr)
                             .lr_decay(args.number("lr_decay"))
                             .initial_accumulator_value(args.number("initial_accumulator_value"))
                             .eps(args.number("eps"))
                             .weight_decay(s.weight_decay));
}

}  // namespace

void register_optimizers(Registrar& registrar) {
  auto& r = registrar.optimizers;
  // All five update element by element. Adam's and Adagrad's arithmetic
  // counts steps, so their recorded CUDA graphs would replay the first
  // step's numbers; Adam and AdamW have a GPU step of their own instead
  // (train/capturable_adam.h).
  const OptimizerTraits counts_steps{/*elementwise=*/true, /*replayable=*/false};
  const OptimizerTraits replays{/*elementwise=*/true, /*replayable=*/true};
  r.add("adam", "Adam", kAdamOptions, {adam_family<optim::Adam, optim::AdamOptions>, counts_steps});
  r.add("adamw", "Adam with decoupled weight decay", kAdamOptions,
        {adam_family<optim::AdamW, optim::AdamWOptions>, counts_steps});
  r.add("sgd", "stochastic gradient descent", kSgdOptions, {sgd, replays});
  r.add("rmsprop", "RMSprop", kRmspropOptions, {rmsprop, replays});
  r.add("adagrad", "Adagrad", kAdagradOptions, {adagrad, counts_steps});
}

}  // namespace tunelab
