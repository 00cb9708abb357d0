#include "plugins/blocks/preact_resnet_block.h"

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {

namespace nn = torch::nn;

namespace {

nn::LayerNorm layer_norm(std::int64_t width) {
  return nn::LayerNorm(nn::LayerNormOptions({width}));
}

}  // namespace

PreActResNetBlockImpl::PreActResNetBlockImpl(const BlockSpec& spec) {
  const std::int64_t c_out = spec.subsample ? spec.c_out : spec.c_in;
  nn::Sequential net(layer_norm(spec.c_in), spec.act(),
                     nn::Linear(nn::LinearOptions(spec.c_in, c_out).bias(false)), layer_norm(c_out),
                     spec.act());
  if (spec.dropout > 0) net->push_back(nn::Dropout(spec.dropout));
  net->push_back(nn::Linear(nn::LinearOptions(c_out, c_out).bias(false)));
  net_ = register_module("net", net);
  if (spec.residual_dropout > 0)
    residual_dropout_ = register_module("residual_dropout", nn::Dropout(spec.residual_dropout));
  if (spec.subsample) {
    downsample_ = register_module(
        "downsample", nn::Sequential(layer_norm(spec.c_in), spec.act(),
                                     nn::Linear(nn::LinearOptions(spec.c_in, c_out).bias(false))));
  }
}

torch::Tensor PreActResNetBlockImpl::forward(torch::Tensor x) {
  torch::Tensor z = net_->forward(x);
  if (residual_dropout_) z = residual_dropout_->forward(z);
  if (downsample_) x = downsample_->forward(x);
  return z + x;
}

void PreActResNetBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "PreActResNetBlock";
}

void register_preact_resnet_block(Registrar& registrar) {
  registrar.blocks.add(
      "PreActResNetBlock",
      "LayerNorm-act-Linear-LayerNorm-act-Linear plus shortcut, no act after the sum",
      {[](const BlockSpec& spec) {
         Args(spec.args).allow_only({});
         return nn::AnyModule(PreActResNetBlock(spec));
       },
       lean_preact_resnet_block});
}

}  // namespace tunelab
