#include "plugins/blocks/resnet_block.h"

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {

namespace nn = torch::nn;

ResNetBlockImpl::ResNetBlockImpl(const BlockSpec& spec) {
  const std::int64_t c_out = spec.subsample ? spec.c_out : spec.c_in;
  // Submodule names follow the chapter's PyTorch code, so state dicts line up.
  nn::Sequential net(nn::Linear(nn::LinearOptions(spec.c_in, c_out).bias(false)),
                     nn::BatchNorm1d(c_out), spec.act());
  if (spec.dropout > 0) net->push_back(nn::Dropout(spec.dropout));
  net->push_back(nn::Linear(nn::LinearOptions(c_out, c_out).bias(false)));
  net->push_back(nn::BatchNorm1d(c_out));
  net_ = register_module("net", net);
  if (spec.residual_dropout > 0)
    residual_dropout_ = register_module("residual_dropout", nn::Dropout(spec.residual_dropout));
  if (spec.subsample) downsample_ = register_module("downsample", nn::Linear(spec.c_in, c_out));
  act_fn_ = spec.act();
  register_module("act_fn", act_fn_.ptr());
}

torch::Tensor ResNetBlockImpl::forward(torch::Tensor x) {
  torch::Tensor z = net_->forward(x);
  if (residual_dropout_) z = residual_dropout_->forward(z);
  if (downsample_) x = downsample_->forward(x);
  return act_fn_.forward(z + x);
}

void ResNetBlockImpl::pretty_print(std::ostream& stream) const { stream << "ResNetBlock"; }

void register_resnet_block(Registrar& registrar) {
  registrar.blocks.add(
      "ResNetBlock",
      "Linear-BatchNorm-act-Linear-BatchNorm plus shortcut, act after the sum (He et al. 2015)",
      {[](const BlockSpec& spec) {
         Args(spec.args).allow_only({});
         return nn::AnyModule(ResNetBlock(spec));
       },
       lean_resnet_block});
}

}  // namespace tunelab
