// A gated residual block (after the gated residual network of Lim et al.,
// "Temporal Fusion Transformers", 2021):
//   h   = act(Linear(x))
//   out = LayerNorm(shortcut(x) + sigmoid(Linear_g(h)) * Linear_v(h))
// The gate lets the block learn to pass its input through unchanged.

#include <torch/torch.h>

#include "common/option_specs.h"
#include "example_plugin.h"
#include "model/block.h"

namespace example_plugin {
namespace {

namespace nn = torch::nn;

class GatedResidualBlockImpl : public nn::Module {
 public:
  GatedResidualBlockImpl(const tunelab::BlockSpec& spec, bool layer_norm) {
    const std::int64_t c_out = spec.subsample ? spec.c_out : spec.c_in;
    hidden_ = register_module("hidden", nn::Linear(spec.c_in, c_out));
    act_fn_ = spec.act();
    register_module("act_fn", act_fn_.ptr());
    value_ = register_module("value", nn::Linear(c_out, c_out));
    gate_ = register_module("gate", nn::Linear(c_out, c_out));
    if (spec.subsample) shortcut_ = register_module("shortcut", nn::Linear(spec.c_in, c_out));
    if (layer_norm) norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({c_out})));
  }

  torch::Tensor forward(torch::Tensor x) {
    const torch::Tensor h = act_fn_.forward(hidden_->forward(x));
    torch::Tensor out = (shortcut_ ? shortcut_->forward(x) : x) +
                        torch::sigmoid(gate_->forward(h)) * value_->forward(h);
    return norm_ ? norm_->forward(out) : out;
  }

  void pretty_print(std::ostream& stream) const override { stream << "GatedResidualBlock"; }

 private:
  nn::Linear hidden_{nullptr}, value_{nullptr}, gate_{nullptr}, shortcut_{nullptr};
  nn::LayerNorm norm_{nullptr};
  nn::AnyModule act_fn_;
};

TORCH_MODULE(GatedResidualBlock);

}  // namespace

void register_gated_residual_block(tunelab::Registrar& registrar) {
  // Declared once: read through below, listed by `tunelab plugins --name`.
  static const tunelab::OptionSpecs options{
      {"layer_norm", tunelab::OptionType::boolean, true, "LayerNorm after the sum"}};
  registrar.blocks.add(
      "GatedResidualBlock",
      "act(Linear) then a sigmoid-gated Linear added to the shortcut, LayerNorm after (Lim et "
      "al. 2021)",
      options, [](const tunelab::BlockSpec& spec) {
        const tunelab::Args args = options.read(spec.args);
        return nn::AnyModule(GatedResidualBlock(spec, args.boolean("layer_norm", true)));
      });
}

}  // namespace example_plugin
