// A plugin block whose forward pass throws on real batches (not on the
// two-row check run): its trials must end FAIL with the reason while the
// study goes on.
#include <torch/torch.h>

#include <stdexcept>

#include "model/block.h"
#include "plugin/plugin_api.h"
#include "plugin/registrar.h"

namespace {

class ThrowingBlockImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) {
    if (x.size(0) > 2) throw std::runtime_error("ThrowingBlock refuses to compute");
    return x;
  }
};
TORCH_MODULE(ThrowingBlock);

void register_throwing_block(tunelab::Registrar& registrar) {
  registrar.blocks.add("ThrowingBlock", "throws in forward", [](const tunelab::BlockSpec&) {
    return torch::nn::AnyModule(ThrowingBlock());
  });
}

}  // namespace

TUNELAB_PLUGIN("throwing_block", "0.1", register_throwing_block)
