#include "train/lean_kernels.h"

#include <cblas.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tunelab::lean {
namespace {

namespace nn = torch::nn;

// A float CPU parameter, contiguous, with its gradient (a view of the flat
// gradient buffer, train/flat_parameters.h) in place.
bool usable(const at::Tensor& t) {
  return t.defined() && t.scalar_type() == at::kFloat && t.device().is_cpu() && t.is_contiguous() &&
         (!t.requires_grad() || (t.grad().defined() && t.grad().is_contiguous()));
}

}  // namespace

std::optional<Activation> Activation::of(const nn::Module& m) {
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

void Activation::forward(const float* z, float* out, std::size_t n) const {
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

void Activation::backward(const float* z, const float* out, float* grad, std::size_t n) const {
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

std::optional<Linear> Linear::of(const nn::Module& m) {
  const auto* l = m.as<nn::Linear>();
  if (!l || !usable(l->weight) || (l->bias.defined() && !usable(l->bias))) return std::nullopt;
  return Linear{l->weight, l->bias, static_cast<int>(l->weight.size(1)),
                static_cast<int>(l->weight.size(0))};
}

void Linear::forward(const float* x, float* y, int rows, bool accumulate) const {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f, x, in,
              weight.data_ptr<float>(), in, accumulate ? 1.0f : 0.0f, y, out);
  if (bias.defined()) {
    const float* b = bias.data_ptr<float>();
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < out; ++c) y[r * out + c] += b[c];
  }
}

void Linear::backward(const float* x, const float* dy, float* dx, int rows, bool accumulate) const {
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

std::optional<BatchNorm> BatchNorm::of(const nn::Module& m) {
  const auto* n = m.as<nn::BatchNorm1d>();
  if (!n || !n->options.affine() || !n->options.track_running_stats() ||
      !n->options.momentum().has_value() || !usable(n->weight) || !usable(n->bias) ||
      !usable(n->running_mean) || !usable(n->running_var))
    return std::nullopt;
  BatchNorm out;
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

void BatchNorm::forward(float* z, float* y, int rows) {
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

void BatchNorm::backward(const float* xh, float* dy, int rows) {
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

std::optional<LayerNorm> LayerNorm::of(const nn::Module& m) {
  const auto* n = m.as<nn::LayerNorm>();
  if (!n || !n->options.elementwise_affine() || n->options.normalized_shape().size() != 1 ||
      !usable(n->weight) || !usable(n->bias))
    return std::nullopt;
  LayerNorm out;
  out.gamma = n->weight;
  out.beta = n->bias;
  out.eps = n->options.eps();
  out.width = static_cast<int>(n->options.normalized_shape()[0]);
  return out;
}

void LayerNorm::forward(const float* x, float* xh, float* y, int rows) {
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

void LayerNorm::backward(const float* xh, float* dy, int rows) const {
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

}  // namespace tunelab::lean
