#include "train/lean_resnet.h"

#include <cblas.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tunelab {
namespace {

namespace nn = torch::nn;

struct Activation {
  enum Kind { relu, leaky_relu, elu, gelu, silu, tanh } kind = relu;
  float a = 0;  // leaky_relu's slope, elu's alpha

  static std::optional<Activation> of(const nn::Module& m) {
    if (m.as<nn::ReLU>()) return Activation{relu, 0};
    if (const auto* l = m.as<nn::LeakyReLU>())
      return Activation{leaky_relu, static_cast<float>(l->options.negative_slope())};
    if (const auto* e = m.as<nn::ELU>())
      return Activation{elu, static_cast<float>(e->options.alpha())};
    if (const auto* g = m.as<nn::GELU>())  // the exact GELU; its tanh form is not written out
      return g->options.approximate() == "none" ? std::optional(Activation{gelu, 0}) : std::nullopt;
    if (m.as<nn::SiLU>()) return Activation{silu, 0};
    if (m.as<nn::Tanh>()) return Activation{tanh, 0};
    return std::nullopt;
  }

  void forward(const float* z, float* out, std::size_t n) const {
    switch (kind) {
      case relu:
        for (std::size_t i = 0; i < n; ++i) out[i] = z[i] > 0 ? z[i] : 0.0f;
        break;
      case leaky_relu:
        for (std::size_t i = 0; i < n; ++i) out[i] = z[i] > 0 ? z[i] : z[i] * a;
        break;
      case elu:
        for (std::size_t i = 0; i < n; ++i) out[i] = z[i] > 0 ? z[i] : a * std::expm1(z[i]);
        break;
      case gelu:
        for (std::size_t i = 0; i < n; ++i)
          out[i] = 0.5f * z[i] * (1.0f + std::erf(z[i] * static_cast<float>(M_SQRT1_2)));
        break;
      case silu:
        for (std::size_t i = 0; i < n; ++i) out[i] = z[i] / (1.0f + std::exp(-z[i]));
        break;
      case tanh:
        for (std::size_t i = 0; i < n; ++i) out[i] = std::tanh(z[i]);
        break;
    }
  }

  // grad *= act'(z), with out = act(z).
  void backward(const float* z, const float* out, float* grad, std::size_t n) const {
    switch (kind) {
      case relu:
        for (std::size_t i = 0; i < n; ++i) grad[i] = z[i] > 0 ? grad[i] : 0.0f;
        break;
      case leaky_relu:
        for (std::size_t i = 0; i < n; ++i) grad[i] = z[i] > 0 ? grad[i] : grad[i] * a;
        break;
      case elu:  // a * exp(z) = out + a
        for (std::size_t i = 0; i < n; ++i) grad[i] = z[i] > 0 ? grad[i] : grad[i] * (out[i] + a);
        break;
      case gelu: {  // Phi(z) + z phi(z)
        const float inverse_sqrt_2pi = 0.3989422804014327f;
        for (std::size_t i = 0; i < n; ++i) {
          const float cdf = 0.5f * (1.0f + std::erf(z[i] * static_cast<float>(M_SQRT1_2)));
          const float pdf = inverse_sqrt_2pi * std::exp(-0.5f * z[i] * z[i]);
          grad[i] *= cdf + z[i] * pdf;
        }
        break;
      }
      case silu:  // s (1 + z (1 - s)), s = sigmoid(z)
        for (std::size_t i = 0; i < n; ++i) {
          const float sigmoid = 1.0f / (1.0f + std::exp(-z[i]));
          grad[i] *= sigmoid * (1.0f + z[i] * (1.0f - sigmoid));
        }
        break;
      case tanh:  // 1 - out^2
        for (std::size_t i = 0; i < n; ++i) grad[i] *= 1.0f - out[i] * out[i];
        break;
    }
  }
};

// A float CPU parameter, contiguous, with its gradient (a view of the flat
// gradient buffer, train/flat_parameters.h) in place.
bool usable(const at::Tensor& t) {
  return t.defined() && t.scalar_type() == at::kFloat && t.device().is_cpu() && t.is_contiguous() &&
         (!t.requires_grad() || (t.grad().defined() && t.grad().is_contiguous()));
}

struct Linear {
  at::Tensor weight, bias;  // (out x in), (out) or undefined
  int in = 0, out = 0;

  static std::optional<Linear> of(const nn::Module& m) {
    const auto* l = m.as<nn::Linear>();
    if (!l || !usable(l->weight) || (l->bias.defined() && !usable(l->bias))) return std::nullopt;
    return Linear{l->weight, l->bias, static_cast<int>(l->weight.size(1)),
                  static_cast<int>(l->weight.size(0))};
  }

  // y (rows x out) = x (rows x in) W^T + b, or y += that.
  void forward(const float* x, float* y, int rows, bool accumulate = false) const {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f, x, in,
                weight.data_ptr<float>(), in, accumulate ? 1.0f : 0.0f, y, out);
    if (bias.defined()) {
      const float* b = bias.data_ptr<float>();
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < out; ++c) y[r * out + c] += b[c];
    }
  }

  // Sets dW = dy^T x and db = colsum(dy); dx (rows x in) = dy W, added to
  // dx when `accumulate`, skipped when dx is null.
  void backward(const float* x, const float* dy, float* dx, int rows, bool accumulate) const {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, rows, 1.0f, dy, out, x, in, 0.0f,
                weight.grad().data_ptr<float>(), in);
    if (bias.defined()) {
      float* db = bias.grad().data_ptr<float>();
      for (int c = 0; c < out; ++c) db[c] = 0;
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < out; ++c) db[c] += dy[r * out + c];
    }
    if (dx)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, in, out, 1.0f, dy, out,
                  weight.data_ptr<float>(), in, accumulate ? 1.0f : 0.0f, dx, in);
  }
};

struct Norm {
  at::Tensor gamma, beta, running_mean, running_var, batches;
  double eps = 1e-5, momentum = 0.1;
  int width = 0;
  std::vector<float> inverse_std;  // of the last batch
  // Per-channel scratch, allocated once.
  std::vector<double> sum, sum2;
  std::vector<float> shift, factor_xh, factor;

  static std::optional<Norm> of(const nn::Module& m) {
    const auto* n = m.as<nn::BatchNorm1d>();
    if (!n || !n->options.affine() || !n->options.track_running_stats() ||
        !n->options.momentum().has_value() || !usable(n->weight) || !usable(n->bias) ||
        !usable(n->running_mean) || !usable(n->running_var))
      return std::nullopt;
    Norm out;
    out.gamma = n->weight;
    out.beta = n->bias;
    out.running_mean = n->running_mean;
    out.running_var = n->running_var;
    out.batches = n->num_batches_tracked;
    out.eps = n->options.eps();
    out.momentum = *n->options.momentum();
    out.width = static_cast<int>(n->weight.size(0));
    const auto w = static_cast<std::size_t>(out.width);
    for (auto* v : {&out.inverse_std, &out.shift, &out.factor_xh, &out.factor}) v->resize(w);
    for (auto* v : {&out.sum, &out.sum2}) v->resize(w);
    return out;
  }

  // z (rows x width) in place to its normalised form x^; y = gamma x^ + beta.
  // Statistics in double, as LibTorch accumulates them for float.
  void forward(float* z, float* y, int rows) {
    const int w = width;
    std::vector<double>& mean = sum;
    std::vector<double>& var = sum2;
    std::fill(mean.begin(), mean.end(), 0.0);
    std::fill(var.begin(), var.end(), 0.0);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < w; ++c) mean[c] += z[r * w + c];
    for (int c = 0; c < w; ++c) mean[c] /= rows;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < w; ++c) {
        const double d = z[r * w + c] - mean[c];
        var[c] += d * d;
      }
    float* rm = running_mean.data_ptr<float>();
    float* rv = running_var.data_ptr<float>();
    const float* g = gamma.data_ptr<float>();
    const float* b = beta.data_ptr<float>();
    for (int c = 0; c < w; ++c) {
      inverse_std[c] = static_cast<float>(1.0 / std::sqrt(var[c] / rows + eps));
      rm[c] = static_cast<float>(momentum * mean[c] + (1 - momentum) * rm[c]);
      rv[c] = static_cast<float>(momentum * (rows > 1 ? var[c] / (rows - 1) : var[c]) +
                                 (1 - momentum) * rv[c]);
      shift[c] = static_cast<float>(mean[c]);
    }
    if (batches.defined()) ++*batches.data_ptr<std::int64_t>();
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < w; ++c) {
        const float xh = (z[r * w + c] - shift[c]) * inverse_std[c];
        z[r * w + c] = xh;
        y[r * w + c] = g[c] * xh + b[c];
      }
  }

  // dy (rows x width) in place to dz; sets the gradients of gamma and beta.
  void backward(const float* xh, float* dy, int rows) {
    const int w = width;
    float* dg = gamma.grad().data_ptr<float>();
    float* db = beta.grad().data_ptr<float>();
    const float* g = gamma.data_ptr<float>();
    std::vector<double>& sum_dy = sum;
    std::vector<double>& sum_dy_xh = sum2;
    std::fill(sum_dy.begin(), sum_dy.end(), 0.0);
    std::fill(sum_dy_xh.begin(), sum_dy_xh.end(), 0.0);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < w; ++c) {
        sum_dy[c] += dy[r * w + c];
        sum_dy_xh[c] += dy[r * w + c] * xh[r * w + c];
      }
    std::vector<float>& mean_dy = shift;
    std::vector<float>& mean_dy_xh = factor_xh;
    for (int c = 0; c < w; ++c) {
      db[c] = static_cast<float>(sum_dy[c]);
      dg[c] = static_cast<float>(sum_dy_xh[c]);
      mean_dy[c] = static_cast<float>(sum_dy[c] / rows);
      mean_dy_xh[c] = static_cast<float>(sum_dy_xh[c] / rows);
      factor[c] = g[c] * inverse_std[c];
    }
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < w; ++c) {
        float& d = dy[r * w + c];
        d = (d - mean_dy[c] - xh[r * w + c] * mean_dy_xh[c]) * factor[c];
      }
  }
};

// LayerNorm over each row's channels, with its weight and bias.
struct RowNorm {
  at::Tensor gamma, beta;
  double eps = 1e-5;
  int width = 0;
  std::vector<float> inverse_std;  // per row of the last batch

  static std::optional<RowNorm> of(const nn::Module& m) {
    const auto* n = m.as<nn::LayerNorm>();
    if (!n || !n->options.elementwise_affine() || n->options.normalized_shape().size() != 1 ||
        !usable(n->weight) || !usable(n->bias))
      return std::nullopt;
    RowNorm out;
    out.gamma = n->weight;
    out.beta = n->bias;
    out.eps = n->options.eps();
    out.width = static_cast<int>(n->options.normalized_shape()[0]);
    return out;
  }

  // x^ (may be x itself) and y = gamma x^ + beta, row by row.
  void forward(const float* x, float* xh, float* y, int rows) {
    const int w = width;
    inverse_std.resize(static_cast<std::size_t>(rows));
    const float* g = gamma.data_ptr<float>();
    const float* b = beta.data_ptr<float>();
    for (int r = 0; r < rows; ++r) {
      const float* row = x + static_cast<std::size_t>(r) * w;
      double mean = 0, var = 0;
      for (int c = 0; c < w; ++c) mean += row[c];
      mean /= w;
      for (int c = 0; c < w; ++c) var += (row[c] - mean) * (row[c] - mean);
      const auto shift = static_cast<float>(mean);
      const auto scale = static_cast<float>(1.0 / std::sqrt(var / w + eps));
      inverse_std[r] = scale;
      float* xh_row = xh + static_cast<std::size_t>(r) * w;
      float* y_row = y + static_cast<std::size_t>(r) * w;
      for (int c = 0; c < w; ++c) {
        const float v = (row[c] - shift) * scale;
        xh_row[c] = v;
        y_row[c] = g[c] * v + b[c];
      }
    }
  }

  // dy (rows x width) in place to dx; sets the gradients of gamma and beta.
  void backward(const float* xh, float* dy, int rows) const {
    const int w = width;
    float* dg = gamma.grad().data_ptr<float>();
    float* db = beta.grad().data_ptr<float>();
    const float* g = gamma.data_ptr<float>();
    std::fill(dg, dg + w, 0.0f);
    std::fill(db, db + w, 0.0f);
    for (int r = 0; r < rows; ++r) {
      const float* xh_row = xh + static_cast<std::size_t>(r) * w;
      float* d = dy + static_cast<std::size_t>(r) * w;
      double mean_g = 0, mean_gx = 0;
      for (int c = 0; c < w; ++c) {
        dg[c] += d[c] * xh_row[c];
        db[c] += d[c];
        const float gc = d[c] * g[c];
        mean_g += gc;
        mean_gx += gc * xh_row[c];
      }
      const auto m1 = static_cast<float>(mean_g / w), m2 = static_cast<float>(mean_gx / w);
      const float scale = inverse_std[r];
      for (int c = 0; c < w; ++c) d[c] = (d[c] * g[c] - m1 - xh_row[c] * m2) * scale;
    }
  }
};

// A residual block. ResNetBlock: act(BN(Linear(act(BN(Linear(x))))) +
// shortcut(x)). PreActResNetBlock (`pre`): Linear(act(LN(Linear(act(LN(x))))))
// + shortcut(x), its shortcut LN-act-Linear when it subsamples.
struct Block {
  bool pre = false;
  Linear first, second;
  Norm norm1, norm2;          // ResNetBlock
  RowNorm ln1, ln2, ln_down;  // PreActResNetBlock
  std::optional<Linear> down;
  Activation act;
  // Per step. ResNetBlock: x^1, pre-activation 1, activation 1, x^2, the
  // sum, the output. PreActResNetBlock: x^1, LN 1, activation 1, x^2, LN 2
  // (in `sum`), activation 2, the output, and the shortcut's x^, LN,
  // activation.
  std::vector<float> xh1, n1, a1, xh2, sum, out, a2, xhd, nd, ad;

  // `out` from the block's input `in` (rows x first.in).
  void forward(const float* in, int rows) {
    const std::size_t n_in = static_cast<std::size_t>(rows) * first.in;
    const std::size_t n = static_cast<std::size_t>(rows) * first.out;
    if (pre) {
      for (auto* v : {&xh1, &n1, &a1, &xhd, &nd, &ad}) v->resize(n_in);
      for (auto* v : {&xh2, &sum, &a2, &out}) v->resize(n);
      ln1.forward(in, xh1.data(), n1.data(), rows);
      act.forward(n1.data(), a1.data(), n_in);
      first.forward(a1.data(), xh2.data(), rows);
      ln2.forward(xh2.data(), xh2.data(), sum.data(), rows);
      act.forward(sum.data(), a2.data(), n);
      second.forward(a2.data(), out.data(), rows);
      if (down) {
        ln_down.forward(in, xhd.data(), nd.data(), rows);
        act.forward(nd.data(), ad.data(), n_in);
        down->forward(ad.data(), out.data(), rows, /*accumulate=*/true);
      } else {
        for (std::size_t i = 0; i < n; ++i) out[i] += in[i];
      }
      return;
    }
    for (auto* v : {&xh1, &n1, &a1, &xh2, &sum, &out}) v->resize(n);
    first.forward(in, xh1.data(), rows);
    norm1.forward(xh1.data(), n1.data(), rows);
    act.forward(n1.data(), a1.data(), n);
    second.forward(a1.data(), xh2.data(), rows);
    if (down)
      down->forward(in, sum.data(), rows);
    else
      std::copy_n(in, n, sum.data());
    norm2.forward(xh2.data(), out.data(), rows);  // out holds the second norm's output
    for (std::size_t i = 0; i < n; ++i) sum[i] += out[i];
    act.forward(sum.data(), out.data(), n);
  }

  // The gradient at the block's input, `d_in`, from the one at its output,
  // `d_out` (overwritten); sets the block's parameter gradients. `scratch`
  // and `scratch2` hold rows x the wider of the block's widths.
  void backward(const float* in, float* d_out, float* d_in, float* scratch, float* scratch2,
                int rows) {
    const std::size_t n_in = static_cast<std::size_t>(rows) * first.in;
    const std::size_t n = static_cast<std::size_t>(rows) * first.out;
    if (pre) {
      // The shortcut's part of d_in first.
      if (down) {
        down->backward(ad.data(), d_out, scratch2, rows, false);
        act.backward(nd.data(), ad.data(), scratch2, n_in);
        ln_down.backward(xhd.data(), scratch2, rows);
        std::copy_n(scratch2, n_in, d_in);
      } else {
        std::copy_n(d_out, n, d_in);
      }
      second.backward(a2.data(), d_out, scratch, rows, false);  // scratch: d(a2)
      act.backward(sum.data(), a2.data(), scratch, n);
      ln2.backward(xh2.data(), scratch, rows);
      first.backward(a1.data(), scratch, d_out, rows, false);  // d_out: d(a1)
      act.backward(n1.data(), a1.data(), d_out, n_in);
      ln1.backward(xh1.data(), d_out, rows);
      for (std::size_t i = 0; i < n_in; ++i) d_in[i] += d_out[i];
      return;
    }
    act.backward(sum.data(), out.data(), d_out, n);  // d_out: d(sum)
    if (down)
      down->backward(in, d_out, d_in, rows, false);
    else
      std::copy_n(d_out, n, d_in);
    norm2.backward(xh2.data(), d_out, rows);
    second.backward(a1.data(), d_out, scratch, rows, false);  // scratch: d(a1)
    act.backward(n1.data(), a1.data(), scratch, n);
    norm1.backward(xh1.data(), scratch, rows);
    first.backward(in, scratch, d_in, rows, true);
  }
};

// A block's children by name; nothing when it has one not in `names`.
std::optional<std::map<std::string, std::shared_ptr<nn::Module>>> parts_of(
    const nn::Module& module, const std::set<std::string>& names) {
  std::map<std::string, std::shared_ptr<nn::Module>> parts;
  for (const auto& part : module.named_children()) {
    if (!names.count(part.key())) return std::nullopt;
    parts[part.key()] = part.value();
  }
  return parts;
}

// The built-in ResNetBlock taking `width` channels, or nothing.
std::optional<Block> resnet_block(const nn::Module& module, int width) {
  auto parts = parts_of(module, {"net", "downsample", "act_fn"});
  if (!parts || !parts->count("net") || !parts->count("act_fn")) return std::nullopt;
  const auto layers = parts->at("net")->children();
  if (layers.size() != 5) return std::nullopt;
  auto first = Linear::of(*layers[0]), second = Linear::of(*layers[3]);
  auto norm1 = Norm::of(*layers[1]), norm2 = Norm::of(*layers[4]);
  auto mid = Activation::of(*layers[2]), after = Activation::of(*parts->at("act_fn"));
  if (!first || !second || !norm1 || !norm2 || !mid || !after || first->bias.defined() ||
      second->bias.defined() || mid->kind != after->kind || mid->a != after->a)
    return std::nullopt;
  Block b;
  b.first = *first;
  b.second = *second;
  b.norm1 = *norm1;
  b.norm2 = *norm2;
  b.act = *mid;
  const bool subsamples = parts->count("downsample") > 0;
  if (subsamples) {
    b.down = Linear::of(*parts->at("downsample"));
    if (!b.down) return std::nullopt;
  }
  const int c = first->out;
  if (first->in != width || second->in != c || second->out != c || norm1->width != c ||
      norm2->width != c || (!subsamples && width != c) ||
      (b.down && (b.down->in != width || b.down->out != c)))
    return std::nullopt;
  return b;
}

// The built-in PreActResNetBlock taking `width` channels, or nothing.
std::optional<Block> pre_activation_block(const nn::Module& module, int width) {
  auto parts = parts_of(module, {"net", "downsample"});
  if (!parts || !parts->count("net")) return std::nullopt;
  const auto layers = parts->at("net")->children();
  if (layers.size() != 6) return std::nullopt;
  auto ln1 = RowNorm::of(*layers[0]), ln2 = RowNorm::of(*layers[3]);
  auto act1 = Activation::of(*layers[1]), act2 = Activation::of(*layers[4]);
  auto first = Linear::of(*layers[2]), second = Linear::of(*layers[5]);
  if (!ln1 || !ln2 || !act1 || !act2 || !first || !second || first->bias.defined() ||
      second->bias.defined() || act1->kind != act2->kind || act1->a != act2->a)
    return std::nullopt;
  Block b;
  b.pre = true;
  b.first = *first;
  b.second = *second;
  b.ln1 = *ln1;
  b.ln2 = *ln2;
  b.act = *act1;
  const int c = first->out;
  const bool subsamples = parts->count("downsample") > 0;
  if (subsamples) {
    const auto shortcut = parts->at("downsample")->children();
    if (shortcut.size() != 3) return std::nullopt;
    auto ln = RowNorm::of(*shortcut[0]);
    auto act = Activation::of(*shortcut[1]);
    b.down = Linear::of(*shortcut[2]);
    if (!ln || !act || !b.down || b.down->bias.defined() || act->kind != b.act.kind ||
        act->a != b.act.a || ln->width != width || b.down->in != width || b.down->out != c)
      return std::nullopt;
    b.ln_down = *ln;
  }
  if (ln1->width != width || first->in != width || ln2->width != c || second->in != c ||
      second->out != c || (!subsamples && width != c))
    return std::nullopt;
  return b;
}

}  // namespace

struct LeanResNet::Plan {
  Linear input, output;
  Activation input_act;
  std::vector<Block> blocks;
  int widest = 0;  // of all layers' inputs and outputs: the gradient buffers' width
  std::vector<float> x, y, z0, h0, prediction, grad_a, grad_b, grad_c, grad_d;
};

LeanResNet::LeanResNet(std::unique_ptr<Plan> plan) : plan_(std::move(plan)) {}
LeanResNet::~LeanResNet() = default;

std::unique_ptr<LeanResNet> LeanResNet::recognise(nn::Sequential& model) {
  const auto children = model->named_children();
  if (children.size() != 3 || children[0].key() != "input_net" || children[1].key() != "blocks" ||
      children[2].key() != "output_net")
    return nullptr;
  auto plan = std::make_unique<Plan>();
  const auto input = children[0].value()->children();
  if (input.size() != 2) return nullptr;
  auto input_linear = Linear::of(*input[0]);
  auto input_act = Activation::of(*input[1]);
  auto output = Linear::of(*children[2].value());
  if (!input_linear || !input_act || !output || !output->bias.defined() ||
      !input_linear->bias.defined())
    return nullptr;
  plan->input = *input_linear;
  plan->input_act = *input_act;
  plan->output = *output;
  int width = plan->input.out;
  plan->widest = std::max({width, plan->output.in, plan->output.out});
  for (const auto& child : children[1].value()->children()) {
    // Only the built-in blocks, whose forward these are.
    std::optional<Block> block;
    if (child->name() == "tunelab::ResNetBlockImpl")
      block = resnet_block(*child, width);
    else if (child->name() == "tunelab::PreActResNetBlockImpl")
      block = pre_activation_block(*child, width);
    if (!block) return nullptr;
    width = block->first.out;
    plan->widest = std::max(plan->widest, width);
    plan->blocks.push_back(std::move(*block));
  }
  if (plan->output.in != width) return nullptr;
  return std::unique_ptr<LeanResNet>(new LeanResNet(std::move(plan)));
}

double LeanResNet::forward_backward(const at::Tensor& x_all, const at::Tensor& y_all,
                                    const at::Tensor& rows_tensor) {
  Plan& p = *plan_;
  const int rows = static_cast<int>(rows_tensor.size(0));
  const int in = p.input.in, outputs = p.output.out;
  const auto size = [rows](int width) { return static_cast<std::size_t>(rows) * width; };

  // The batch's rows, gathered.
  p.x.resize(size(in));
  p.y.resize(size(outputs));
  const float* xs = x_all.data_ptr<float>();
  const float* ys = y_all.data_ptr<float>();
  const std::int64_t* index = rows_tensor.data_ptr<std::int64_t>();
  for (int r = 0; r < rows; ++r) {
    std::copy_n(xs + index[r] * in, in, p.x.data() + static_cast<std::size_t>(r) * in);
    std::copy_n(ys + index[r] * outputs, outputs,
                p.y.data() + static_cast<std::size_t>(r) * outputs);
  }

  // Forward.
  p.z0.resize(size(p.input.out));
  p.h0.resize(size(p.input.out));
  p.input.forward(p.x.data(), p.z0.data(), rows);
  p.input_act.forward(p.z0.data(), p.h0.data(), size(p.input.out));
  const float* h = p.h0.data();
  for (Block& b : p.blocks) {
    b.forward(h, rows);
    h = b.out.data();
  }
  p.prediction.resize(size(outputs));
  p.output.forward(h, p.prediction.data(), rows);

  // MSE, and its gradient.
  const std::size_t n = size(outputs);
  double loss = 0;
  for (auto* v : {&p.grad_a, &p.grad_b, &p.grad_c, &p.grad_d}) v->resize(size(p.widest));
  float* d_prediction = p.grad_c.data();
  const float scale = 2.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float d = p.prediction[i] - p.y[i];
    loss += static_cast<double>(d) * d;
    d_prediction[i] = d * scale;
  }

  // Backward: dh is the gradient at the current block's output.
  float* dh = p.grad_a.data();
  float* spare = p.grad_b.data();
  p.output.backward(h, d_prediction, dh, rows, false);
  for (auto it = p.blocks.rbegin(); it != p.blocks.rend(); ++it) {
    const float* block_in =
        std::next(it) == p.blocks.rend() ? p.h0.data() : std::next(it)->out.data();
    it->backward(block_in, dh, spare, p.grad_c.data(), p.grad_d.data(), rows);
    std::swap(dh, spare);
  }
  p.input_act.backward(p.z0.data(), p.h0.data(), dh, size(p.input.out));
  p.input.backward(p.x.data(), dh, nullptr, rows, false);
  return loss / static_cast<double>(n);
}

}  // namespace tunelab
