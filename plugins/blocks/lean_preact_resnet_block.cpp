// PreActResNetBlock's training step written out by hand (train/lean_layer.h):
//   out = Linear2(act(LN2(Linear1(act(LN1(x)))))) + shortcut(x)
// the shortcut LN-act-Linear when the block subsamples.

#include <torch/torch.h>

#include <algorithm>

#include "plugins/blocks/preact_resnet_block.h"
#include "train/lean_kernels.h"

namespace tunelab {
namespace {

// The subsampling shortcut: LN-act-Linear.
struct Shortcut {
  lean::LayerNorm norm;
  lean::Linear linear;
};

class LeanPreActResNetBlock : public LeanLayer {
 public:
  LeanPreActResNetBlock(lean::LayerNorm ln1, lean::Linear first, lean::LayerNorm ln2,
                        lean::Linear second, std::optional<Shortcut> down, lean::Activation act)
      : first_(std::move(first)),
        second_(std::move(second)),
        ln1_(std::move(ln1)),
        ln2_(std::move(ln2)),
        down_(std::move(down)),
        act_(act) {}

  int in_width() const override { return first_.in; }
  int out_width() const override { return first_.out; }

  const float* forward(const float* in, int rows) override {
    const std::size_t n_in = static_cast<std::size_t>(rows) * first_.in;
    const std::size_t n = static_cast<std::size_t>(rows) * first_.out;
    for (auto* v : {&xh1_, &n1_, &a1_, &xhd_, &nd_, &ad_}) v->resize(n_in);
    for (auto* v : {&xh2_, &sum_, &a2_, &out_}) v->resize(n);
    ln1_.forward(in, xh1_.data(), n1_.data(), rows);
    act_.forward(n1_.data(), a1_.data(), n_in);
    first_.forward(a1_.data(), xh2_.data(), rows);
    ln2_.forward(xh2_.data(), xh2_.data(), sum_.data(), rows);
    act_.forward(sum_.data(), a2_.data(), n);
    second_.forward(a2_.data(), out_.data(), rows);
    if (down_) {
      down_->norm.forward(in, xhd_.data(), nd_.data(), rows);
      act_.forward(nd_.data(), ad_.data(), n_in);
      down_->linear.forward(ad_.data(), out_.data(), rows, /*accumulate=*/true);
    } else {
      for (std::size_t i = 0; i < n; ++i) out_[i] += in[i];
    }
    return out_.data();
  }

  float* backward(const float* /*in*/, float* d_out, int rows, bool /*need_d_in*/) override {
    const std::size_t n_in = static_cast<std::size_t>(rows) * first_.in;
    const std::size_t n = static_cast<std::size_t>(rows) * first_.out;
    d_in_.resize(n_in);
    d_a1_.resize(n_in);
    scratch_.resize(n);
    // The shortcut's part of d_in first.
    if (down_) {
      down_->linear.backward(ad_.data(), d_out, d_in_.data(), rows, false);
      act_.backward(nd_.data(), ad_.data(), d_in_.data(), n_in);
      down_->norm.backward(xhd_.data(), d_in_.data(), rows);
    } else {
      std::copy_n(d_out, n, d_in_.data());
    }
    second_.backward(a2_.data(), d_out, scratch_.data(), rows, false);  // scratch: d(a2)
    act_.backward(sum_.data(), a2_.data(), scratch_.data(), n);
    ln2_.backward(xh2_.data(), scratch_.data(), rows);
    first_.backward(a1_.data(), scratch_.data(), d_a1_.data(), rows, false);
    act_.backward(n1_.data(), a1_.data(), d_a1_.data(), n_in);
    ln1_.backward(xh1_.data(), d_a1_.data(), rows);
    for (std::size_t i = 0; i < n_in; ++i) d_in_[i] += d_a1_[i];
    return d_in_.data();
  }

 private:
  lean::Linear first_, second_;
  lean::LayerNorm ln1_, ln2_;
  std::optional<Shortcut> down_;
  lean::Activation act_;
  // Per step: x^1, LN 1, activation 1, x^2, LN 2, activation 2, the output,
  // and the shortcut's x^, LN, activation; gradients at the input, at
  // activation 1 and at activation 2.
  std::vector<float> xh1_, n1_, a1_, xh2_, sum_, a2_, out_, xhd_, nd_, ad_, d_in_, d_a1_, scratch_;
};

}  // namespace

std::unique_ptr<LeanLayer> lean_preact_resnet_block(const torch::nn::Module& module) {
  const auto* block = module.as<PreActResNetBlockImpl>();
  if (!block) return nullptr;
  // Dropout has no hand-written step: such a block trains through autograd.
  if (block->residual_dropout_) return nullptr;
  const auto layers = block->net_->children();
  if (layers.size() != 6) return nullptr;
  auto ln1 = lean::LayerNorm::of(*layers.at(0)), ln2 = lean::LayerNorm::of(*layers.at(3));
  auto act1 = lean::Activation::of(*layers.at(1)), act2 = lean::Activation::of(*layers.at(4));
  auto first = lean::Linear::of(*layers.at(2)), second = lean::Linear::of(*layers.at(5));
  if (!ln1 || !ln2 || !act1 || !act2 || !first || !second || *act1 != *act2) return nullptr;
  std::optional<Shortcut> down;
  if (block->downsample_) {
    const auto shortcut = block->downsample_->children();
    auto norm = lean::LayerNorm::of(*shortcut.at(0));
    auto act = lean::Activation::of(*shortcut.at(1));
    auto linear = lean::Linear::of(*shortcut.at(2));
    if (!norm || !act || !linear || *act != *act1) return nullptr;
    down = Shortcut{std::move(*norm), std::move(*linear)};
  }
  return std::make_unique<LeanPreActResNetBlock>(std::move(*ln1), std::move(*first),
                                                 std::move(*ln2), std::move(*second),
                                                 std::move(down), *act1);
}

}  // namespace tunelab
