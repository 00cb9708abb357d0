#include "model/embedding_front.h"

#include <torch/torch.h>

#include <algorithm>

#include "model/front.h"

namespace tunelab {

EmbeddingFrontImpl::EmbeddingFrontImpl(std::int64_t inputs, std::vector<EmbeddedColumn> columns,
                                       std::int64_t width)
    : inputs_(inputs), width_(width), columns_(std::move(columns)) {
  reset();
}

void EmbeddingFrontImpl::reset() {
  std::vector<std::int64_t> passed;
  for (std::int64_t j = 0; j < inputs_; ++j)
    if (std::none_of(columns_.begin(), columns_.end(),
                     [&](const EmbeddedColumn& c) { return c.column == j; }))
      passed.push_back(j);
  passed_ = register_buffer("passed", torch::tensor(passed, torch::kInt64));
  embeddings_ = register_module("embeddings", torch::nn::ModuleList());
  for (const auto& c : columns_) {
    torch::nn::Embedding embedding(torch::nn::EmbeddingOptions(c.codes, width_));
    // An unseen level starts, and stays, at zero: it pushes no way.
    torch::NoGradGuard no_grad;
    embedding->weight[0].zero_();
    embeddings_->push_back(embedding);
  }
}

torch::Tensor EmbeddingFrontImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> parts{x.index_select(1, passed_.to(x.device()))};
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const torch::Tensor codes =
        x.select(1, columns_[i].column).round().clamp(0, columns_[i].codes - 1).to(torch::kInt64);
    parts.push_back(embeddings_[i]->as<torch::nn::Embedding>()->forward(codes));
  }
  return torch::cat(parts, 1);
}

std::int64_t EmbeddingFrontImpl::outputs() const {
  const auto embedded = static_cast<std::int64_t>(columns_.size());
  return inputs_ - embedded + embedded * width_;
}

torch::nn::Sequential with_embedding_front(torch::nn::Sequential model, std::int64_t inputs,
                                           const std::vector<EmbeddedColumn>& columns,
                                           std::int64_t width) {
  if (columns.empty()) return model;
  return with_front("embed", EmbeddingFront(inputs, columns, width), model);
}

}  // namespace tunelab
