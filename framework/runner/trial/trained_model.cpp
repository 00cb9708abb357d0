#include "runner/trial/trained_model.h"

#include <torch/torch.h>

#include "train/metrics.h"

namespace tunelab {

at::Tensor predict_in_target_units(const TrainedModels& models, const at::Tensor& x,
                                   const std::vector<FeatureColumn>& columns) {
  c10::InferenceMode inference;
  torch::Tensor sum;
  for (const auto& member : models.members) {
    auto model = member.model;
    model->eval();
    const torch::Tensor scaled = member.scaling.features(x, columns);
    const auto parameters = model->parameters();
    const c10::Device device =
        parameters.empty() ? c10::Device(torch::kCPU) : parameters.front().device();
    torch::Tensor y = model->forward(scaled.to(device)).to(torch::kCPU);
    if (!models.classes.empty()) y = class_probabilities(y);
    if (member.scaling.y) y = member.scaling.y->invert(y);
    sum = sum.defined() ? sum + y : y;
  }
  return sum / static_cast<double>(models.members.size());
}

}  // namespace tunelab
