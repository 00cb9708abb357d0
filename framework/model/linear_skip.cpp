#include "model/linear_skip.h"

#include <torch/torch.h>

namespace tunelab {

LinearSkipImpl::LinearSkipImpl(torch::nn::Sequential network, std::int64_t inputs,
                               std::int64_t outputs)
    : network_(register_module("network", std::move(network))),
      linear_(register_module("linear", torch::nn::Linear(inputs, outputs))),
      inputs_(inputs),
      outputs_(outputs) {}

torch::Tensor LinearSkipImpl::forward(const torch::Tensor& x) {
  return network_->forward(x) + linear_->forward(x);
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
