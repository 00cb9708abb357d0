#pragma once
// One layer of a training step written out by hand (train/lean_network.h):
// forward and backward over rows of float32 on the CPU, into buffers the
// layer keeps. A block offers one for its modules by registering a
// LeanLayerFactory with it (plugin/registrar.h), built from the pieces in
// train/lean_kernels.h; the trainer uses it when every layer of a model has
// one.

#include <cstddef>
#include <functional>
#include <memory>

#include <torch/nn/module.h>

namespace tunelab {

class LeanLayer {
 public:
  virtual ~LeanLayer() = default;

  virtual int in_width() const = 0;
  virtual int out_width() const = 0;

  // The output (rows x out_width) for `in` (rows x in_width), in the layer's
  // training mode; keeps what backward needs. Valid until the next forward.
  virtual const float* forward(const float* in, int rows) = 0;

  // From the gradient at the output, `d_out` (which it may overwrite): sets
  // the layer's parameter gradients and returns the gradient at its input,
  // or nullptr when `need_d_in` is false (the first layer). `in` is what the
  // last forward was given.
  virtual float* backward(const float* in, float* d_out, int rows, bool need_d_in) = 0;
};

// The hand-written layer for `module` when it is the kind of module the
// factory knows, in a form it can write out; nullptr otherwise.
using LeanLayerFactory = std::function<std::unique_ptr<LeanLayer>(const torch::nn::Module& module)>;

// What a loss can offer the hand-written step: the batch's mean loss over
// `rows` rows of `outputs` float predictions each, with its gradient by each
// prediction in `d_prediction`. `target` holds the rows' targets as the
// training split has them: `outputs` numbers per row for a regression loss,
// one class code per row for a classification one.
using LeanLossKernel = std::function<double(const float* prediction, const float* target, int rows,
                                            int outputs, float* d_prediction)>;

}  // namespace tunelab
