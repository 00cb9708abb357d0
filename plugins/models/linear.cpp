// A linear regression baseline: the floor every tuned network should beat.

#include <torch/torch.h>

#include "common/args.h"
#include "plugins/builtins.h"

namespace tunelab {

void register_linear_model(Registrar& registrar) {
  registrar.models.add(
      "linear", "one Linear layer: a least-squares baseline", [](const ModelSpec& spec) {
        Args(spec.settings).allow_only({});
        torch::nn::Sequential model;
        model->push_back("linear", torch::nn::Linear(spec.input_dim, spec.output_dim));
        return model;
      });
}

}  // namespace tunelab
