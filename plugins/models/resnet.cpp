// The chapter's ResNet for regression (Example 34.1): an input layer with an
// activation, groups of residual blocks of widths c_hidden, the first block of
// every group after the first subsampling, and a linear output layer.

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/args.h"
#include "model/build.h"
#include "model/init.h"
#include "model/stack.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

nn::Sequential make_resnet(const ModelSpec& spec) {
  const Args args(spec.settings);
  args.allow_only({"block", "block_args", "act_fn", "act_fn_args", "num_blocks", "c_hidden"});
  const auto num_blocks = args.integers("num_blocks", {3, 3, 3});
  const auto c_hidden = args.integers("c_hidden", {64, 64, 64});
  if (num_blocks.empty()) throw ConfigError("num_blocks", "needs at least one group");
  if (c_hidden.size() != num_blocks.size())
    throw ConfigError("c_hidden", fmt::format("needs one width per group: {} groups, {} widths",
                                              num_blocks.size(), c_hidden.size()));
  for (std::size_t i = 0; i < num_blocks.size(); ++i) {
    require_at_least(fmt::format("num_blocks[{}]", i), num_blocks[i], 1);
    require_at_least(fmt::format("c_hidden[{}]", i), c_hidden[i], 1);
  }
  const MakeActivation act = activation_from(*spec.registrar, spec.settings, "act_fn", "relu");
  const BlockFactory& block = block_from(*spec.registrar, spec.settings, "block", "ResNetBlock");

  nn::Sequential model;
  model->push_back("input_net", Stack(nn::Linear(spec.input_dim, c_hidden.front()), act()));
  Stack blocks;
  for (std::size_t group = 0; group < num_blocks.size(); ++group) {
    for (std::int64_t i = 0; i < num_blocks[group]; ++i) {
      const bool subsample = i == 0 && group > 0;
      BlockSpec block_spec{subsample ? c_hidden[group - 1] : c_hidden[group], c_hidden[group],
                           subsample, act, args.section("block_args")};
      blocks->push_back(block(block_spec));
    }
  }
  model->push_back("blocks", blocks);
  model->push_back("output_net", nn::Linear(c_hidden.back(), spec.output_dim));
  init_resnet_parameters(*model);
  return model;
}

}  // namespace

void register_resnet_model(Registrar& registrar) {
  registrar.models.add("resnet",
                       "input Linear+act, groups of residual blocks (num_blocks x c_hidden), "
                       "output Linear; Kaiming init",
                       make_resnet);
}

}  // namespace tunelab
