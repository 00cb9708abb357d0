#pragma once
// The pieces a hand-written training step (train/lean_layer.h) is made of:
// LibTorch's Linear, BatchNorm1d, LayerNorm and common activations, forward
// and backward over rows of float32 on the CPU, as BLAS matrix products and
// plain loops over buffers the caller keeps. The math is autograd's (batch
// statistics, running statistics, biased and unbiased variances as PyTorch
// uses them), so a step built from them agrees with autograd to float
// rounding. Each `of()` returns nothing for a module it cannot write out.

#include <cstddef>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace tunelab::lean {

struct Activation {
  enum Kind { relu, leaky_relu, elu, gelu, silu, tanh } kind = relu;
  float a = 0;  // leaky_relu's slope, elu's alpha

  // ReLU, leaky ReLU, ELU, GELU (exact), SiLU or tanh.
  static std::optional<Activation> of(const torch::nn::Module& module);

  bool operator==(const Activation& other) const { return kind == other.kind && a == other.a; }
  bool operator!=(const Activation& other) const { return !(*this == other); }

  // out = act(z), n elements.
  void forward(const float* z, float* out, std::size_t n) const;
  // grad *= act'(z), with out = act(z).
  void backward(const float* z, const float* out, float* grad, std::size_t n) const;
};

struct Linear {
  at::Tensor weight, bias;  // (out x in), (out) or undefined
  int in = 0, out = 0;

  static std::optional<Linear> of(const torch::nn::Module& module);

  // y (rows x out) = x (rows x in) W^T + b, or y += that.
  void forward(const float* x, float* y, int rows, bool accumulate = false) const;
  // Sets dW = dy^T x and db = colsum(dy); dx (rows x in) = dy W, added to
  // dx when `accumulate`, skipped when dx is null.
  void backward(const float* x, const float* dy, float* dx, int rows, bool accumulate) const;
};

// BatchNorm1d in training mode, affine, with running statistics.
struct BatchNorm {
  at::Tensor gamma, beta, running_mean, running_var, batches;
  double eps = 1e-5, momentum = 0.1;
  int width = 0;
  std::vector<float> inverse_std;  // of the last batch
  // Per-channel scratch, allocated once.
  std::vector<double> sum, sum2;
  std::vector<float> shift, factor_xh, factor;

  static std::optional<BatchNorm> of(const torch::nn::Module& module);

  // z (rows x width) in place to its normalised form x^; y = gamma x^ + beta.
  // Statistics in double, as LibTorch accumulates them for float.
  void forward(float* z, float* y, int rows);
  // dy (rows x width) in place to dz; sets the gradients of gamma and beta.
  void backward(const float* xh, float* dy, int rows);
};

// LayerNorm over each row's channels, with its weight and bias.
struct LayerNorm {
  at::Tensor gamma, beta;
  double eps = 1e-5;
  int width = 0;
  std::vector<float> inverse_std;  // per row of the last batch

  static std::optional<LayerNorm> of(const torch::nn::Module& module);

  // x^ (may be x itself) and y = gamma x^ + beta, row by row.
  void forward(const float* x, float* xh, float* y, int rows);
  // dy (rows x width) in place to dx; sets the gradients of gamma and beta.
  void backward(const float* xh, float* dy, int rows) const;
};

}  // namespace tunelab::lean
