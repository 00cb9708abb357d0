#include "train/step_choice.h"

#include <torch/torch.h>

#include "train/gradient_clipping.h"

namespace tunelab {

std::unique_ptr<TrainingStep> choose_step(torch::nn::Sequential& model,
                                          const TrainingComponents& components,
                                          const TrainerConfig& config, const at::Tensor& x_train,
                                          const at::Tensor& y_train) {
  std::unique_ptr<TrainingStep> step(new TrainingStep());
  TrainingStep& s = *step;
  s.x_ = x_train;
  s.y_ = y_train;
  const bool on_cpu = x_train.device().is_cpu();
  if (config.fast_path && components.optimizer.elementwise) s.flat_ = FlatParameters::adopt(*model);
  s.optimizer_ = components.make_optimizer(
      s.flat_ ? std::vector{s.flat_->values()} : model->parameters(),
      OptimizerSettings{config.lr, config.weight_decay, config.optimizer_args});
  // Adam and AdamW on the flat buffer: one fused pass on the CPU, device
  // tensors only on a GPU (so that the step can be a CUDA graph).
  if (s.flat_ && on_cpu) s.fused_ = FusedAdam::replacing(*s.optimizer_, s.flat_->values());
  if (s.flat_ && !on_cpu)
    s.capturable_ = CapturableAdam::replacing(*s.optimizer_, s.flat_->values());
  if (s.fused_ && x_train.is_contiguous() && y_train.is_contiguous() &&
      x_train.scalar_type() == torch::kFloat && y_train.scalar_type() == torch::kFloat &&
      y_train.dim() == 2)
    s.lean_ = LeanNetwork::recognise(model, components.lean_blocks, components.loss.lean_kernel);

  s.grad_clip_ = config.grad_clip;
  StepUpdate update;
  if (s.flat_) {
    update.zero_grad = [&s] { s.flat_->values().mutable_grad().zero_(); };
  } else {
    update.zero_grad = [&s] { s.optimizer_->zero_grad(); };
  }
  std::function<void()> apply;
  if (s.fused_) {
    apply = [&s] { s.fused_->step(); };
  } else if (s.capturable_) {
    apply = [&s] { s.capturable_->step(); };
    update.replayable = true;
  } else {
    apply = [&s] { s.optimizer_->step(); };
    // LibTorch's optimizers read the learning rate on the host: a recorded
    // step would replay the rate it was recorded with.
    update.replayable = s.flat_.has_value() && components.optimizer.replayable &&
                        config.schedule == "constant" && config.warmup_epochs <= 0;
  }
  if (s.grad_clip_ > 0) {
    update.apply = [&s, apply] {
      s.clip_gradients();
      apply();
    };
  } else {
    update.apply = std::move(apply);
  }
  s.batch_step_ = std::make_unique<BatchStep>(model, components.loss, x_train, y_train,
                                              std::move(update), config.fast_path);
  s.kind_ = s.lean_         ? StepKind::hand_written
            : s.fused_      ? StepKind::fused_adam
            : s.capturable_ ? StepKind::capturable_adam
            : s.flat_       ? StepKind::flat
                            : StepKind::per_tensor;
  return step;
}

void TrainingStep::run(const at::Tensor& order, std::int64_t begin, std::int64_t end) {
  if (!lean_) {
    batch_step_->run(order, begin, end);
    return;
  }
  const at::Tensor rows = order.slice(0, begin, end);
  lean_loss_sum_ += lean_->forward_backward(x_, y_, rows) * static_cast<double>(end - begin);
  if (grad_clip_ > 0) clip_gradients();
  fused_->step();
}

void TrainingStep::clip_gradients() {
  if (flat_) {
    clip_gradient_norm({flat_->values().grad()}, grad_clip_);
    return;
  }
  std::vector<at::Tensor> gradients;
  for (const auto& group : optimizer_->param_groups())
    for (const auto& p : group.params())
      if (p.grad().defined()) gradients.push_back(p.grad());
  clip_gradient_norm(gradients, grad_clip_);
}

void TrainingStep::set_lr(double lr) {
  if (fused_) fused_->set_lr(lr);
  if (capturable_) capturable_->set_lr(lr);
  for (auto& group : optimizer_->param_groups()) group.options().set_lr(lr);
}

double TrainingStep::take_loss_sum() {
  if (!lean_) return batch_step_->take_loss_sum();
  const double sum = lean_loss_sum_;
  lean_loss_sum_ = 0;
  return sum;
}

}  // namespace tunelab
