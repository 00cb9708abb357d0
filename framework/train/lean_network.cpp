#include "train/lean_network.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

#include "train/lean_kernels.h"

namespace tunelab {
namespace {

namespace nn = torch::nn;

class LinearLayer : public LeanLayer {
 public:
  explicit LinearLayer(lean::Linear linear) : linear_(std::move(linear)) {}

  int in_width() const override { return linear_.in; }
  int out_width() const override { return linear_.out; }

  const float* forward(const float* in, int rows) override {
    out_.resize(static_cast<std::size_t>(rows) * linear_.out);
    linear_.forward(in, out_.data(), rows);
    return out_.data();
  }

  float* backward(const float* in, float* d_out, int rows, bool need_d_in) override {
    if (need_d_in) d_in_.resize(static_cast<std::size_t>(rows) * linear_.in);
    linear_.backward(in, d_out, need_d_in ? d_in_.data() : nullptr, rows, false);
    return need_d_in ? d_in_.data() : nullptr;
  }

 private:
  lean::Linear linear_;
  std::vector<float> out_, d_in_;
};

class ActivationLayer : public LeanLayer {
 public:
  ActivationLayer(lean::Activation act, int width) : act_(act), width_(width) {}

  int in_width() const override { return width_; }
  int out_width() const override { return width_; }

  const float* forward(const float* in, int rows) override {
    const std::size_t n = static_cast<std::size_t>(rows) * width_;
    out_.resize(n);
    act_.forward(in, out_.data(), n);
    return out_.data();
  }

  float* backward(const float* in, float* d_out, int rows, bool need_d_in) override {
    if (!need_d_in) return nullptr;
    act_.backward(in, out_.data(), d_out, static_cast<std::size_t>(rows) * width_);
    return d_out;
  }

 private:
  lean::Activation act_;
  int width_;
  std::vector<float> out_;
};

// Appends the layers of `module` (unpacking Sequentials) to `layers`; false
// when one of its modules has no hand-written layer.
bool add_layers(const nn::Module& module, const std::vector<LeanLayerFactory>& blocks,
                std::vector<std::unique_ptr<LeanLayer>>& layers) {
  if (const auto* sequential = module.as<nn::Sequential>()) {
    for (const auto& child : sequential->children())
      if (!add_layers(*child, blocks, layers)) return false;
    return true;
  }
  if (auto linear = lean::Linear::of(module)) {
    layers.push_back(std::make_unique<LinearLayer>(std::move(*linear)));
    return true;
  }
  if (auto act = lean::Activation::of(module)) {
    if (layers.empty()) return false;  // its width is not known yet
    layers.push_back(std::make_unique<ActivationLayer>(*act, layers.back()->out_width()));
    return true;
  }
  for (const auto& block : blocks) {
    if (auto layer = block(module)) {
      layers.push_back(std::move(layer));
      return true;
    }
  }
  return false;
}

}  // namespace

LeanNetwork::LeanNetwork(std::vector<std::unique_ptr<LeanLayer>> layers, LeanLossKernel loss)
    : layers_(std::move(layers)), loss_(std::move(loss)) {}

std::unique_ptr<LeanNetwork> LeanNetwork::recognise(nn::Sequential& model,
                                                    const std::vector<LeanLayerFactory>& blocks,
                                                    LeanLossKernel loss) {
  if (!loss) return nullptr;
  std::vector<std::unique_ptr<LeanLayer>> layers;
  if (!add_layers(*model, blocks, layers) || layers.empty()) return nullptr;
  for (std::size_t i = 1; i < layers.size(); ++i)
    if (layers[i]->in_width() != layers[i - 1]->out_width()) return nullptr;
  return std::unique_ptr<LeanNetwork>(new LeanNetwork(std::move(layers), std::move(loss)));
}

double LeanNetwork::forward_backward(const at::Tensor& x_all, const at::Tensor& y_all,
                                     const at::Tensor& rows_tensor) {
  const int rows = static_cast<int>(rows_tensor.size(0));
  const int in = layers_.front()->in_width(), outputs = layers_.back()->out_width();
  // A target per output, or one class code per row.
  const int targets = static_cast<int>(y_all.size(1));
  if (x_all.size(1) != in || (targets != outputs && targets != 1))
    throw std::logic_error("the hand-written step got data of the wrong width");
  const auto size = [rows](int width) { return static_cast<std::size_t>(rows) * width; };

  // The batch's rows, gathered.
  x_.resize(size(in));
  y_.resize(size(targets));
  const float* xs = x_all.data_ptr<float>();
  const float* ys = y_all.data_ptr<float>();
  const std::int64_t* index = rows_tensor.data_ptr<std::int64_t>();
  for (int r = 0; r < rows; ++r) {
    std::copy_n(xs + index[r] * in, in, x_.data() + static_cast<std::size_t>(r) * in);
    std::copy_n(ys + index[r] * targets, targets,
                y_.data() + static_cast<std::size_t>(r) * targets);
  }

  // Forward, keeping each layer's input for its backward.
  inputs_.resize(layers_.size());
  const float* h = x_.data();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    inputs_[i] = h;
    h = layers_[i]->forward(h, rows);
  }

  d_prediction_.resize(size(outputs));
  const double loss = loss_(h, y_.data(), rows, outputs, d_prediction_.data());

  float* d = d_prediction_.data();
  for (std::size_t i = layers_.size(); i-- > 0;)
    d = layers_[i]->backward(inputs_[i], d, rows, i > 0);
  return loss;
}

}  // namespace tunelab
