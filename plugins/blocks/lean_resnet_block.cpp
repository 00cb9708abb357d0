// ResNetBlock's training step written out by hand (train/lean_layer.h):
//   out = act(BN2(Linear2(act(BN1(Linear1(x))))) + shortcut(x))

#include <torch/torch.h>

#include <algorithm>

#include "plugins/blocks/resnet_block.h"
#include "train/lean_kernels.h"

namespace tunelab {
namespace {

class LeanResNetBlock : public LeanLayer {
 public:
  LeanResNetBlock(lean::Linear first, lean::BatchNorm norm1, lean::Linear second,
                  lean::BatchNorm norm2, std::optional<lean::Linear> down, lean::Activation act)
      : first_(std::move(first)),
        second_(std::move(second)),
        norm1_(std::move(norm1)),
        norm2_(std::move(norm2)),
        down_(std::move(down)),
        act_(act) {}

  int in_width() const override { return first_.in; }
  int out_width() const override { return first_.out; }

  const float* forward(const float* in, int rows) override {
    const std::size_t n = static_cast<std::size_t>(rows) * first_.out;
    for (auto* v : {&xh1_, &n1_, &a1_, &xh2_, &sum_, &out_}) v->resize(n);
    first_.forward(in, xh1_.data(), rows);
    norm1_.forward(xh1_.data(), n1_.data(), rows);
    act_.forward(n1_.data(), a1_.data(), n);
    second_.forward(a1_.data(), xh2_.data(), rows);
    if (down_)
      down_->forward(in, sum_.data(), rows);
    else
      std::copy_n(in, n, sum_.data());
    norm2_.forward(xh2_.data(), out_.data(), rows);  // out holds the second norm's output
    for (std::size_t i = 0; i < n; ++i) sum_[i] += out_[i];
    act_.forward(sum_.data(), out_.data(), n);
    return out_.data();
  }

  float* backward(const float* in, float* d_out, int rows, bool /*need_d_in*/) override {
    const std::size_t n = static_cast<std::size_t>(rows) * first_.out;
    d_in_.resize(static_cast<std::size_t>(rows) * first_.in);
    scratch_.resize(n);
    act_.backward(sum_.data(), out_.data(), d_out, n);  // d_out: d(sum)
    if (down_)
      down_->backward(in, d_out, d_in_.data(), rows, false);
    else
      std::copy_n(d_out, n, d_in_.data());
    norm2_.backward(xh2_.data(), d_out, rows);
    second_.backward(a1_.data(), d_out, scratch_.data(), rows, false);  // scratch: d(a1)
    act_.backward(n1_.data(), a1_.data(), scratch_.data(), n);
    norm1_.backward(xh1_.data(), scratch_.data(), rows);
    first_.backward(in, scratch_.data(), d_in_.data(), rows, true);
    return d_in_.data();
  }

 private:
  lean::Linear first_, second_;
  lean::BatchNorm norm1_, norm2_;
  std::optional<lean::Linear> down_;
  lean::Activation act_;
  // Per step: x^1, pre-activation 1, activation 1, x^2, the sum, the output;
  // the gradient at the input, and one the width of the output.
  std::vector<float> xh1_, n1_, a1_, xh2_, sum_, out_, d_in_, scratch_;
};

}  // namespace

std::unique_ptr<LeanLayer> lean_resnet_block(const torch::nn::Module& module) {
  const auto* block = module.as<ResNetBlockImpl>();
  if (!block) return nullptr;
  // Dropout has no hand-written step: such a block trains through autograd.
  if (block->residual_dropout_) return nullptr;
  const auto layers = block->net_->children();
  if (layers.size() != 5) return nullptr;
  auto first = lean::Linear::of(*layers.at(0)), second = lean::Linear::of(*layers.at(3));
  auto norm1 = lean::BatchNorm::of(*layers.at(1)), norm2 = lean::BatchNorm::of(*layers.at(4));
  auto mid = lean::Activation::of(*layers.at(2)),
       after = lean::Activation::of(*block->act_fn_.ptr());
  if (!first || !second || !norm1 || !norm2 || !mid || !after || *mid != *after) return nullptr;
  std::optional<lean::Linear> down;
  if (block->downsample_) {
    down = lean::Linear::of(*block->downsample_);
    if (!down) return nullptr;
  }
  return std::make_unique<LeanResNetBlock>(std::move(*first), std::move(*norm1), std::move(*second),
                                           std::move(*norm2), std::move(down), *mid);
}

}  // namespace tunelab
