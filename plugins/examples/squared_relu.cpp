// The squared ReLU, relu(x)^2 (So et al., "Primer", 2021).

#include <torch/torch.h>

#include "common/args.h"
#include "example_plugin.h"
#include "model/activation.h"

namespace example_plugin {
namespace {

class SquaredReLUImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return torch::relu(x).square(); }
  void pretty_print(std::ostream& stream) const override { stream << "SquaredReLU()"; }
};

TORCH_MODULE(SquaredReLU);

}  // namespace

void register_squared_relu(tunelab::Registrar& registrar) {
  registrar.activations.add("squared_relu", "relu(x)^2 (So et al. 2021)",
                            [](const nlohmann::json& json) {
                              tunelab::Args(json).allow_only({});
                              return torch::nn::AnyModule(SquaredReLU());
                            });
}

}  // namespace example_plugin
