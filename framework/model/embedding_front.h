#pragma once
// The front of a network whose categorical columns are embedded: each such
// column arrives as one code (0: a level the training rows did not have,
// else the level's number) and leaves as a learned vector of `width`
// numbers; the other columns pass through. What follows sees only numbers.

#include <cstdint>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>

namespace tunelab {

struct EmbeddedColumn {
  std::int64_t column = 0;  // in the rows the front reads
  std::int64_t codes = 0;   // how many codes it may hold, the reserved 0 included
};

class EmbeddingFrontImpl : public torch::nn::Cloneable<EmbeddingFrontImpl> {
 public:
  EmbeddingFrontImpl(std::int64_t inputs, std::vector<EmbeddedColumn> columns, std::int64_t width);

  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);
  // The width of what it hands on.
  std::int64_t outputs() const;

 private:
  std::int64_t inputs_, width_;
  std::vector<EmbeddedColumn> columns_;
  torch::Tensor passed_;  // the columns that pass through, as indices
  torch::nn::ModuleList embeddings_{nullptr};
};

TORCH_MODULE(EmbeddingFront);

// `model` with an EmbeddingFront before it (none when `columns` is empty).
torch::nn::Sequential with_embedding_front(torch::nn::Sequential model, std::int64_t inputs,
                                           const std::vector<EmbeddedColumn>& columns,
                                           std::int64_t width);

}  // namespace tunelab
