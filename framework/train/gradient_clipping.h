#pragma once
// `trainer.grad_clip`: the gradients scaled down, together, so that their
// norm over all parameters is at most `max_norm` (as PyTorch's
// clip_grad_norm_). Tensor operations only, on the gradients' device, with
// no wait for it: a recorded CUDA graph replays them.

#include <vector>

#include <ATen/core/Tensor.h>

namespace tunelab {

void clip_gradient_norm(const std::vector<at::Tensor>& gradients, double max_norm);

}  // namespace tunelab
