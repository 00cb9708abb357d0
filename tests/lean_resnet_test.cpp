// The hand-written ResNet step gives autograd's loss, gradients and
// BatchNorm running statistics.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include "config/experiment_loader.h"
#include "plugin/assembly.h"
#include "support.h"
#include "test_paths.h"
#include "train/flat_parameters.h"
#include "train/lean_resnet.h"

namespace {

torch::nn::Sequential model_of(const std::string& model_yaml, std::int64_t inputs) {
  const auto experiment = tunelab::load_experiment(
      std::string(tunelab::test::kSourceDir) + "/experiments/diabetes_resnet.yaml",
      {"model=" + model_yaml});
  return tunelab::build_model(tunelab::test::builtins(), experiment.config.model, inputs, 1);
}

}  // namespace

TEST_SUITE("training") {
  TEST_CASE(
      "the hand-written ResNet step gives autograd's loss, gradients and running statistics") {
    const std::vector<std::string> models = {
        "{name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: [2, 1], c_hidden: [16, 24]}",
        "{name: resnet, block: ResNetBlock, act_fn: leaky_relu, num_blocks: 2, c_hidden: 8}",
        "{name: resnet, block: ResNetBlock, act_fn: elu, num_blocks: 1, c_hidden: 12, groups: 3}",
        "{name: resnet, act_fn: gelu, num_blocks: 1, c_hidden: 8}",
        "{name: resnet, act_fn: silu, num_blocks: 1, c_hidden: 8}",
        "{name: resnet, act_fn: tanh, num_blocks: 1, c_hidden: 8}",
        "{name: resnet, block: PreActResNetBlock, act_fn: relu, num_blocks: [2, 1], "
        "c_hidden: [16, 24]}",
        "{name: resnet, block: PreActResNetBlock, act_fn: silu, num_blocks: 1, c_hidden: 8, "
        "groups: 3}"};
    for (const auto& yaml : models) {
      INFO(yaml);
      torch::manual_seed(3);
      const std::int64_t rows = 37, inputs = 5;
      const auto x = torch::randn({60, inputs}), y = torch::randn({60, 1});
      const auto index = torch::randperm(60).slice(0, 0, rows);

      auto lean_model = model_of(yaml, inputs);
      auto reference = model_of(yaml, inputs);  // the same seeded init
      {
        torch::NoGradGuard no_grad;
        const auto a = lean_model->parameters(), b = reference->parameters();
        for (std::size_t i = 0; i < a.size(); ++i) b[i].copy_(a[i]);
      }
      const auto flat = tunelab::FlatParameters::adopt(*lean_model);
      REQUIRE(flat.has_value());
      auto lean = tunelab::LeanResNet::recognise(lean_model);
      REQUIRE(lean != nullptr);
      lean_model->train();
      reference->train();
      const double loss = lean->forward_backward(x, y, index);

      const auto expected =
          torch::mse_loss(reference->forward(x.index_select(0, index)), y.index_select(0, index));
      expected.backward();
      CHECK(loss == doctest::Approx(expected.item<double>()).epsilon(1e-5));
      const auto a = lean_model->parameters(), b = reference->parameters();
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("parameter " << i << " " << a[i].sizes());
        // To float rounding, relative to the gradient's largest element.
        const double scale = b[i].grad().abs().max().item<double>();
        CHECK((a[i].grad() - b[i].grad()).abs().max().item<double>() <= 1e-5 * scale + 1e-7);
      }
      const auto sa = lean_model->buffers(), sb = reference->buffers();
      for (std::size_t i = 0; i < sa.size(); ++i) CHECK(torch::allclose(sa[i], sb[i], 1e-5, 1e-6));
    }
  }

  TEST_CASE("other models keep autograd's step") {
    for (const char* yaml : {"{name: resnet, act_fn: gelu, act_fn_args: {approximate: tanh}}",
                             "{name: resnet, act_fn: mish}", "{name: resnet_regression}"}) {
      INFO(yaml);
      auto model = model_of(yaml, 4);
      REQUIRE(tunelab::FlatParameters::adopt(*model).has_value());
      CHECK(tunelab::LeanResNet::recognise(model) == nullptr);
    }
  }
}
