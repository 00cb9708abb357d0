// Built-in optimizers: LibTorch's, with PyTorch's defaults for their options.

#include <torch/torch.h>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace optim = torch::optim;

std::tuple<double, double> betas_from(const Args& args) {
  if (!args.has("betas")) return {0.9, 0.999};
  const auto& betas = args.section("betas");
  if (!betas.is_array() || betas.size() != 2 || !betas[0].is_number() || !betas[1].is_number())
    throw ConfigError("betas", "expected a list of two numbers, like [0.9, 0.999]");
  const double b1 = betas[0].get<double>(), b2 = betas[1].get<double>();
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    throw ConfigError("betas", "each beta must be in [0, 1)");
  return {b1, b2};
}

double eps_from(const Args& args, double fallback) {
  const double eps = args.number("eps", fallback);
  require_positive("eps", eps);
  return eps;
}

// Adam and AdamW share their options; only how weight decay applies differs.
template <typename Optimizer, typename Options>
std::unique_ptr<optim::Optimizer> adam_family(std::vector<at::Tensor> params,
                                              const OptimizerSettings& s) {
  const Args args(s.args);
  args.allow_only({"betas", "eps", "amsgrad"});
  return std::make_unique<Optimizer>(std::move(params),
                                     Options(s.lr)
                                         .betas(betas_from(args))
                                         .eps(eps_from(args, 1e-8))
                                         .weight_decay(s.weight_decay)
                                         .amsgrad(args.boolean("amsgrad", false)));
}

std::unique_ptr<optim::Optimizer> sgd(std::vector<at::Tensor> params, const OptimizerSettings& s) {
  const Args args(s.args);
  args.allow_only({"momentum", "dampening", "nesterov"});
  const double momentum = args.number("momentum", 0.0);
  const double dampening = args.number("dampening", 0.0);
  const bool nesterov = args.boolean("nesterov", false);
  if (momentum < 0) throw ConfigError("momentum", "must not be negative");
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
  const Args args(s.args);
  args.allow_only({"alpha", "eps", "momentum", "centered"});
  const double momentum = args.number("momentum", 0.0);
  if (momentum < 0) throw ConfigError("momentum", "must not be negative");
  return std::make_unique<optim::RMSprop>(std::move(params),
                                          optim::RMSpropOptions(s.lr)
                                              .alpha(args.number("alpha", 0.99))
                                              .eps(eps_from(args, 1e-8))
                                              .momentum(momentum)
                                              .centered(args.boolean("centered", false))
                                              .weight_decay(s.weight_decay));
}

std::unique_ptr<optim::Optimizer> adagrad(std::vector<at::Tensor> params,
                                          const OptimizerSettings& s) {
  const Args args(s.args);
  args.allow_only({"lr_decay", "initial_accumulator_value", "eps"});
  return std::make_unique<optim::Adagrad>(
      std::move(params),
      optim::AdagradOptions(s.lr)
          .lr_decay(args.number("lr_decay", 0.0))
          .initial_accumulator_value(args.number("initial_accumulator_value", 0.0))
          .eps(eps_from(args, 1e-10))
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
  r.add("adam", "Adam (betas, eps, amsgrad)",
        {adam_family<optim::Adam, optim::AdamOptions>, counts_steps});
  r.add("adamw", "Adam with decoupled weight decay (betas, eps, amsgrad)",
        {adam_family<optim::AdamW, optim::AdamWOptions>, counts_steps});
  r.add("sgd", "stochastic gradient descent (momentum, dampening, nesterov)", {sgd, replays});
  r.add("rmsprop", "RMSprop (alpha, eps, momentum, centered)", {rmsprop, replays});
  r.add("adagrad", "Adagrad (lr_decay, initial_accumulator_value, eps)", {adagrad, counts_steps});
}

}  // namespace tunelab
