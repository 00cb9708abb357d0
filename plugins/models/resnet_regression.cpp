// The chapter's ResNetRegression: an input layer (no activation), num_blocks
// residual blocks of width hidden_dim, and an output layer. PyTorch's default
// initialisation.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "model/stack.h"
#include "plugin/assembly.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

const OptionSpecs kResnetRegressionOptions{
    {"block", OptionType::text, "ResNetBlock", "the residual block (a registered block)"},
    {"block_args", OptionType::mapping, nullptr, "the block's options"},
    {"act_fn", OptionType::text, "relu", "the activation (a registered activation)"},
    {"act_fn_args", OptionType::mapping, nullptr, "the activation's options"},
    {"num_blocks", OptionType::integer, 1, "residual blocks", OptionCheck::at_least(1)},
    {"hidden_dim", OptionType::integer, 64, "their width", OptionCheck::at_least(1)},
    {"dropout", OptionType::number, 0.0,
     "share of each block's hidden units dropped in training (Gorishniy et al. 2021)",
     OptionCheck::share()},
    {"residual_dropout", OptionType::number, 0.0,
     "share of each block's residual branch dropped in training", OptionCheck::share()}};

nn::Sequential make_resnet_regression(const ModelSpec& spec) {
  const Args args = kResnetRegressionOptions.read(spec.settings);
  const auto num_blocks = args.integer("num_blocks");
  const auto hidden_dim = args.integer("hidden_dim");
  const MakeActivation act = spec.activation("act_fn", "relu");
  const BlockFactory& block = spec.block("block", "ResNetBlock");

  nn::Sequential model;
  model->push_back("input_layer", nn::Linear(spec.input_dim, hidden_dim));
  Stack blocks;
  for (std::int64_t i = 0; i < num_blocks; ++i)
    blocks->push_back(
        block(BlockSpec{hidden_dim, hidden_dim, false, act, args.section("block_args"),
                        args.number("dropout"), args.number("residual_dropout")}));
  model->push_back("blocks", blocks);
  model->push_back("output_layer", nn::Linear(hidden_dim, spec.output_dim));
  return model;
}

}  // namespace

void register_resnet_regression_model(Registrar& registrar) {
  registrar.models.add(
      "resnet_regression",
      "input Linear, num_blocks residual blocks of width hidden_dim, output Linear",
      kResnetRegressionOptions, make_resnet_regression);
}

}  // namespace tunelab
