#include "model/linear_skip.h"

#include <torch/torch.h>

namespace tunelab {

LinearSkipImpl::LinearSkipImpl(torch::nn::Sequential network, std::int64_t inputs,
                               std::int64_t outputs)
    : network_(register_module("network", std::move(network))),
      linear_(register_module("linear", torch::nn::Linear(inputs, outputs))),
      network_scale_(register_parameter("network_scale", torch::zeros({1}))),
      inputs_(inputs),
      outputs_(outputs) {}

torch::Tensor LinearSkipImpl::forward(const torch::Tensor& x) {
  return network_scale_ * network_->forward(x) + linear_->forward(x);
}

void LinearSkipImpl::load(torch::serialize::InputArchive& archive) {
  torch::Tensor scale;
  if (archive.try_read("network_scale", scale)) return torch::nn::Module::load(archive);
  torch::NoGradGuard no_grad;
  network_scale_.fill_(1);
  for (const auto& child : named_children()) {
    torch::serialize::InputArchive part;
    archive.read(child.key(), part);
    child.value()->load(part);
  }
}

void LinearSkipImpl::pretty_print(std::ostream& stream) const {
  stream << "tunelab::LinearSkip(in_features=" << inputs_ << ", out_features=" << outputs_ << ")";
}

torch::nn::Sequential with_linear_skip(torch::nn::Sequential network, std::int64_t inputs,
                                       std::int64_t outputs) {
  torch::nn::Sequential out;
  out->push_back("wide_and_deep", LinearSkip(std::move(network), inputs, outputs));
  return out;
}

}  // namespace tunelab
