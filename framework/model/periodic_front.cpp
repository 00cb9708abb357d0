#include "model/periodic_front.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "model/front.h"

namespace tunelab {

PeriodicFrontImpl::PeriodicFrontImpl(std::int64_t inputs, std::vector<std::int64_t> columns,
                                     PeriodicOptions options)
    : inputs_(inputs), columns_(std::move(columns)), options_(options) {
  reset();
}

void PeriodicFrontImpl::reset() {
  std::vector<std::int64_t> passed;
  for (std::int64_t j = 0; j < inputs_; ++j)
    if (std::find(columns_.begin(), columns_.end(), j) == columns_.end()) passed.push_back(j);
  embedded_ = register_buffer("embedded", torch::tensor(columns_, torch::kInt64));
  passed_ = register_buffer("passed", torch::tensor(passed, torch::kInt64));
  const auto count = static_cast<std::int64_t>(columns_.size());
  const std::int64_t k = options_.frequencies, width = options_.width;
  frequencies_ = register_parameter("frequencies", torch::randn({count, k}) * options_.sigma);
  // Each column's linear layer as torch::nn::Linear starts one: uniform
  // within 1 / sqrt(its inputs).
  const double bound = 1.0 / std::sqrt(static_cast<double>(2 * k));
  weight_ = register_parameter("weight", (torch::rand({count, 2 * k, width}) * 2 - 1) * bound);
  bias_ = register_parameter("bias", (torch::rand({count, width}) * 2 - 1) * bound);
}

torch::Tensor PeriodicFrontImpl::forward(const torch::Tensor& x) {
  const torch::Tensor values = x.index_select(1, embedded_);                    // (rows, columns)
  const torch::Tensor angles = 2 * M_PI * values.unsqueeze(-1) * frequencies_;  // (.., k)
  const torch::Tensor periodic = torch::cat({torch::cos(angles), torch::sin(angles)}, -1);
  const torch::Tensor embedded =
      torch::relu(torch::einsum("rci,ciw->rcw", {periodic, weight_}) + bias_);
  return torch::cat({x.index_select(1, passed_), embedded.flatten(1)}, 1);
}

void PeriodicFrontImpl::pretty_print(std::ostream& stream) const {
  stream << "tunelab::PeriodicFront(columns=" << columns_.size()
         << ", frequencies=" << options_.frequencies << ", width=" << options_.width
         << ", sigma=" << options_.sigma << ")";
}

std::int64_t PeriodicFrontImpl::outputs() const {
  const auto count = static_cast<std::int64_t>(columns_.size());
  return inputs_ - count + count * options_.width;
}

torch::nn::Sequential with_periodic_front(torch::nn::Sequential model, std::int64_t inputs,
                                          const std::vector<std::int64_t>& columns,
                                          const PeriodicOptions& options) {
  if (columns.empty()) return model;
  return with_front("numeric", PeriodicFront(inputs, columns, options), model);
}

}  // namespace tunelab
