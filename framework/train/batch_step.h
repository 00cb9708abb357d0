#pragma once
// One mini-batch training step of the trainer (apart from the hand-written
// step, train/lean_network.h): gather the batch's rows, zero the
// gradients, forward, loss, backward, update, and add the batch's loss to a
// sum kept on the device.
//
// The rows are gathered into buffers kept per batch size, so every tensor
// the step reads stays at one address. On a GPU, with an update whose state
// lives on the device (train/capturable_adam.h), the step is run eagerly a
// few times, then recorded as a CUDA graph (train/cuda_graph.h) and replayed
// for every later batch of that size: the same kernels in the same order,
// launched at once. A step that cannot be recorded (a plugin block that
// waits for the device, say) keeps running eagerly, with a warning.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

#include "train/loss.h"

namespace tunelab {

class CudaGraph;

struct StepUpdate {
  std::function<void()> zero_grad;
  std::function<void()> apply;  // the optimizer's step
  // Whether `apply` keeps all its state on the device, so that a recorded
  // graph replays it right.
  bool replayable = false;
};

class BatchStep {
 public:
  // Eager steps of a batch size before it is recorded: the first ones set
  // up cuBLAS's and the allocator's state, which a recording must not do.
  static constexpr int kEagerStepsBeforeRecording = 3;

  // `x` and `y` are the whole training split, on the model's device.
  // `record_graphs`: record replayable steps as CUDA graphs (see above).
  BatchStep(torch::nn::Sequential model, LossFunction loss, at::Tensor x, at::Tensor y,
            StepUpdate update, bool record_graphs);
  ~BatchStep();

  // Trains on the rows order[begin, end) (a device tensor of row indices).
  void run(const at::Tensor& order, std::int64_t begin, std::int64_t end);

  // The row-weighted sum of the batch losses since the last call; waits for
  // the device.
  double take_loss_sum();

  // How many batch sizes run as recorded graphs (for tests and benchmarks).
  int recorded_graphs() const;

  // What the caller should tell the user (a fast path given up, and why).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Batch;
  void train_on(Batch& batch);

  torch::nn::Sequential model_;
  LossFunction loss_;
  at::Tensor x_, y_;
  StepUpdate update_;
  bool record_graphs_;
  at::Tensor loss_sum_;                                     // float64 scalar on the device
  std::map<std::int64_t, std::unique_ptr<Batch>> batches_;  // by rows
  std::vector<std::string> warnings_;
};

}  // namespace tunelab
