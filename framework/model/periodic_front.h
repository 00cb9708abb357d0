#pragma once
// The front of a network whose numeric columns are embedded (PLR, Gorishniy
// et al. 2022, "On Embeddings for Numerical Features in Tabular Deep
// Learning"): each such column x becomes cos and sin of 2 pi c x for k
// learned frequencies c (drawn from a normal of standard deviation sigma),
// then its own linear layer to `width` numbers and a ReLU. The other columns
// pass through; what follows reads the passed columns, then the embeddings.

#include <cstdint>
#include <vector>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>

namespace tunelab {

struct PeriodicOptions {
  std::int64_t frequencies = 48;  // k
  std::int64_t width = 24;        // each column's embedding
  double sigma = 0.1;             // the frequencies' initial spread
};

class PeriodicFrontImpl : public torch::nn::Cloneable<PeriodicFrontImpl> {
 public:
  PeriodicFrontImpl(std::int64_t inputs, std::vector<std::int64_t> columns,
                    PeriodicOptions options);

  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;
  // The width of what it hands on.
  std::int64_t outputs() const;

 private:
  std::int64_t inputs_;
  std::vector<std::int64_t> columns_;
  PeriodicOptions options_;
  torch::Tensor embedded_, passed_;  // the columns, as indices
  torch::Tensor frequencies_;        // (columns, k)
  torch::Tensor weight_, bias_;      // (columns, 2k, width), (columns, width)
};

TORCH_MODULE(PeriodicFront);

// `model` with a PeriodicFront before it, named "numeric" (none when
// `columns` is empty).
torch::nn::Sequential with_periodic_front(torch::nn::Sequential model, std::int64_t inputs,
                                          const std::vector<std::int64_t>& columns,
                                          const PeriodicOptions& options);

}  // namespace tunelab
