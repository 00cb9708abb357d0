// The chapter's ResNet for regression (Example 34.1): an input layer with an
// activation, groups of residual blocks of widths c_hidden, the first block of
// every group after the first subsampling, and a linear output layer.

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/option_specs.h"
#include "model/init.h"
#include "model/linear_skip.h"
#include "model/stack.h"
#include "plugin/assembly.h"
#include "plugins/builtins.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

// A list, or one integer meaning "this in every group" (so that a search can
// vary the width or depth of all groups with one scalar).
std::vector<std::int64_t> per_group(const Args& args, const std::string& key, std::int64_t fallback,
                                    std::size_t groups) {
  const auto& value = args.section(key);
  if (value.is_null()) return std::vector<std::int64_t>(groups, fallback);
  if (value.is_array()) return args.integers(key, {});
  return std::vector<std::int64_t>(groups, args.integer(key));
}

const OptionSpecs kResnetOptions{
    {"block", OptionType::text, "ResNetBlock", "the residual block (a registered block)"},
    {"block_args", OptionType::mapping, nullptr, "the block's options"},
    {"act_fn", OptionType::text, "relu", "the activation (a registered activation)"},
    {"act_fn_args", OptionType::mapping, nullptr, "the activation's options"},
    {"num_blocks", OptionType::any, nullptr,
     "blocks per group: a list, or one number for every group (default 3)"},
    {"c_hidden", OptionType::any, nullptr,
     "width per group: a list, or one number for every group (default 64)"},
    {"groups", OptionType::integer, nullptr,
     "groups when neither num_blocks nor c_hidden is a list (default 3)"},
    {"dropout", OptionType::number, 0.0,
     "share of each block's hidden units dropped in training (Gorishniy et al. 2021)",
     OptionCheck::share()},
    {"residual_dropout", OptionType::number, 0.0,
     "share of each block's residual branch dropped in training", OptionCheck::share()},
    {"linear_skip", OptionType::boolean, false,
     "a Linear layer from the inputs to the outputs beside the network, added to it (wide and "
     "deep: the network learns what a linear model misses)"},
    {"init", OptionType::text, "default",
     "weights: default (PyTorch's) or kaiming (the chapter's Kaiming-normal, fan_out)",
     OptionCheck::one_of({"default", "kaiming"})}};

nn::Sequential make_resnet(const ModelSpec& spec) {
  const Args args = kResnetOptions.read(spec.settings);
  // The number of groups: the length of whichever of num_blocks and c_hidden
  // is a list (`groups`, when given too, must agree), else `groups` (3, as in
  // the chapter).
  std::size_t groups = 0;
  std::string listed;
  for (const char* key : {"num_blocks", "c_hidden"})
    if (args.section(key).is_array()) groups = args.section(key).size(), listed = key;
  if (groups > 0 && args.has("groups") &&
      args.integer("groups") != static_cast<std::int64_t>(groups))
    throw ConfigError(
        "groups", fmt::format("{} groups, but {} lists {} (leave groups out, or make them agree)",
                              args.integer("groups"), listed, groups));
  if (groups == 0) {
    const auto n = args.integer("groups", 3);
    require_at_least("groups", n, 1);
    groups = static_cast<std::size_t>(n);
  }
  const auto num_blocks = per_group(args, "num_blocks", 3, groups);
  const auto c_hidden = per_group(args, "c_hidden", 64, groups);
  if (num_blocks.empty()) throw ConfigError("num_blocks", "needs at least one group");
  if (c_hidden.size() != num_blocks.size())
    throw ConfigError("c_hidden", fmt::format("needs one width per group: {} groups, {} widths",
                                              num_blocks.size(), c_hidden.size()));
  for (std::size_t i = 0; i < num_blocks.size(); ++i) {
    require_at_least(fmt::format("num_blocks[{}]", i), num_blocks[i], 1);
    require_at_least(fmt::format("c_hidden[{}]", i), c_hidden[i], 1);
  }
  const MakeActivation act = spec.activation("act_fn", "relu");
  const BlockFactory& block = spec.block("block", "ResNetBlock");

  nn::Sequential model;
  model->push_back("input_net", Stack(nn::Linear(spec.input_dim, c_hidden.front()), act()));
  Stack blocks;
  for (std::size_t group = 0; group < num_blocks.size(); ++group) {
    for (std::int64_t i = 0; i < num_blocks[group]; ++i) {
      const bool subsample = i == 0 && group > 0;
      BlockSpec block_spec{subsample ? c_hidden[group - 1] : c_hidden[group],
                           c_hidden[group],
                           subsample,
                           act,
                           args.section("block_args"),
                           args.number("dropout"),
                           args.number("residual_dropout")};
      blocks->push_back(block(block_spec));
    }
  }
  model->push_back("blocks", blocks);
  model->push_back("output_net", nn::Linear(c_hidden.back(), spec.output_dim));
  if (args.text("init") == "kaiming") init_resnet_parameters(*model);
  if (args.boolean("linear_skip", false))
    return with_linear_skip(model, spec.input_dim, spec.output_dim);
  return model;
}

}  // namespace

void register_resnet_model(Registrar& registrar) {
  registrar.models.add("resnet",
                       "input Linear+act, groups of residual blocks (num_blocks x c_hidden), "
                       "output Linear; PyTorch's or the chapter's Kaiming init",
                       kResnetOptions, make_resnet);
}

}  // namespace tunelab
