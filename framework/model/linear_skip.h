#pragma once
// A network with a linear path beside it: the inputs go through the network
// and through one Linear layer straight to the outputs, and the two are added
// (the "wide and deep" shape of Cheng et al. 2016). On a table whose target
// is mostly a linear function of its columns, the linear path carries that
// part from the first epoch and the network learns what it misses; a plain
// network must build the linear part out of its activations. The network's
// output is multiplied by a learned scale that starts at zero (ReZero,
// Bachlechner et al. 2020), so an untrained model is the linear model and
// the network's part grows only as far as training (and early stopping on
// the validation rows) finds it useful; weight decay pulls it back.

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace tunelab {

// A plain Module, not a Cloneable: it holds a network built elsewhere, which
// a Cloneable's reset() could not build again, so a copy would share it;
// clone() says it is not implemented instead.
class LinearSkipImpl : public torch::nn::Module {
 public:
  // The network arrives built (and initialised by its model); only the
  // linear path is made here, after it, so that the network's draws from
  // the seeded generator are those it makes without the path.
  LinearSkipImpl(torch::nn::Sequential network, std::int64_t inputs, std::int64_t outputs);

  torch::Tensor forward(const torch::Tensor& x);
  // Weights written before the scale existed load with a scale of one: the
  // network's output was added whole when they were trained.
  void load(torch::serialize::InputArchive& archive) override;
  void pretty_print(std::ostream& stream) const override;

 private:
  torch::nn::Sequential network_;
  torch::nn::Linear linear_;
  torch::Tensor network_scale_;
  std::int64_t inputs_, outputs_;
};

TORCH_MODULE(LinearSkip);

// `network` and a linear path from its inputs to its outputs, as one
// Sequential (whose only child is named "wide_and_deep").
torch::nn::Sequential with_linear_skip(torch::nn::Sequential network, std::int64_t inputs,
                                       std::int64_t outputs);

}  // namespace tunelab
