#include "plugins/blocks/resnet_block.h"

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {

namespace nn = torch::nn;

ResNetBlockImpl::ResNetBlockImpl(const BlockSpec& spec) {
  const std::int64_t c_out = spec.subsample ? spec.c_out : spec.c_in;
  // Submodule names follow the chapter's PyTorch code, so state dicts line up.
  net_ = register_module("net",
                         nn::Sequential(nn::Linear(nn::LinearOptions(spec.c_in, c_out).bias(false)),
                                        nn::BatchNorm1d(c_out), spec.act(),
                                        nn::Linear(nn::LinearOptions(c_out, c_out).bias(false)),
                                        nn::BatchNorm1d(c_out)));
  if (spec.subsample) downsample_ = register_module("downsample", nn::Linear(spec.c_in, c_out));
  act_fn_ = spec.act();
  register_module("act_fn", act_fn_.ptr());
}

torch::Tensor ResNetBlockImpl::forward(torch::Tensor x) {
  torch::Tensor z = net_->forward(x);
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
