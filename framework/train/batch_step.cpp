#include "train/batch_step.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "train/cuda_graph.h"

namespace tunelab {

namespace {

// A tensor shaped like `whole` but with `rows` rows.
at::Tensor empty_rows(const at::Tensor& whole, std::int64_t rows) {
  std::vector<std::int64_t> shape = whole.sizes().vec();
  shape[0] = rows;
  return torch::empty(shape, whole.options());
}

}  // namespace

struct BatchStep::Batch {
  at::Tensor rows, x, y;
  int eager_steps = 0;
  std::unique_ptr<CudaGraph> graph;
};

BatchStep::BatchStep(torch::nn::Sequential model, LossFunction loss, at::Tensor x, at::Tensor y,
                     StepUpdate update, bool record_graphs)
    : model_(std::move(model)),
      loss_(std::move(loss)),
      x_(std::move(x)),
      y_(std::move(y)),
      update_(std::move(update)),
      record_graphs_(record_graphs && update_.replayable && can_record_cuda_graphs(x_.device())),
      loss_sum_(torch::zeros({}, x_.options().dtype(torch::kFloat64))) {}

BatchStep::~BatchStep() = default;

void BatchStep::run(const at::Tensor& order, std::int64_t begin, std::int64_t end) {
  const std::int64_t rows = end - begin;
  std::unique_ptr<Batch>& slot = batches_[rows];
  if (!slot) {
    slot = std::make_unique<Batch>();
    slot->rows = torch::empty({rows}, order.options());
    slot->x = empty_rows(x_, rows);
    slot->y = empty_rows(y_, rows);
  }
  Batch& batch = *slot;
  batch.rows.copy_(order.slice(0, begin, end));
  if (batch.graph) {
    batch.graph->replay();
    return;
  }
  if (record_graphs_ && batch.eager_steps >= kEagerStepsBeforeRecording) {
    try {
      batch.graph = CudaGraph::record([&] { train_on(batch); });
      batch.graph->replay();  // recording ran nothing: this step is still to run
      return;
    } catch (const std::exception& e) {
      warnings_.push_back(fmt::format(
          "the training step could not be recorded as a CUDA graph, so it runs step by step: {}",
          e.what()));
      record_graphs_ = false;
    }
  }
  train_on(batch);
  ++batch.eager_steps;
}

void BatchStep::train_on(Batch& batch) {
  torch::index_select_out(batch.x, x_, 0, batch.rows);
  torch::index_select_out(batch.y, y_, 0, batch.rows);
  update_.zero_grad();
  const torch::Tensor loss = loss_(model_->forward(batch.x), batch.y);
  loss.backward();
  update_.apply();
  // Summed on the device: one synchronisation per epoch, not per step.
  torch::NoGradGuard no_grad;
  loss_sum_ += loss.detach().to(torch::kFloat64) * static_cast<double>(batch.rows.size(0));
}

double BatchStep::take_loss_sum() {
  const double sum = loss_sum_.item<double>();
  loss_sum_.zero_();
  return sum;
}

int BatchStep::recorded_graphs() const {
  int count = 0;
  for (const auto& [rows, batch] : batches_) count += batch->graph != nullptr;
  return count;
}

}  // namespace tunelab
