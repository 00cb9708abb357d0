// The hand-written training step gives autograd's loss, gradients and
// BatchNorm running statistics, for the built-in blocks and for a block
// that registers a hand-written step of its own.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include "config/experiment_loader.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"
#include "plugins/builtins.h"
#include "support.h"
#include "test_paths.h"
#include "train/flat_parameters.h"
#include "train/lean_kernels.h"
#include "train/lean_network.h"

namespace {

tunelab::ExperimentConfig experiment_with(const std::vector<std::string>& sets) {
  return tunelab::load_experiment(
             std::string(tunelab::test::kSourceDir) + "/experiments/diabetes_resnet.yaml", sets)
      .config;
}

torch::nn::Sequential model_of(const tunelab::Registrar& registrar, const std::string& model_yaml,
                               std::int64_t inputs) {
  return tunelab::build_model(registrar, experiment_with({"model=" + model_yaml}).model, inputs, 1);
}

std::unique_ptr<tunelab::LeanNetwork> lean_step(const tunelab::Registrar& registrar,
                                                torch::nn::Sequential& model,
                                                const std::string& loss = "mse") {
  const auto components =
      tunelab::training_components(registrar, experiment_with({"trainer.loss=" + loss}).trainer);
  return tunelab::LeanNetwork::recognise(model, components.lean_blocks,
                                         components.loss.lean_kernel);
}

// The hand-written step on `yaml`'s model, against autograd's on a copy.
void check_against_autograd(const tunelab::Registrar& registrar, const std::string& yaml) {
  INFO(yaml);
  torch::manual_seed(3);
  const std::int64_t rows = 37, inputs = 5;
  const auto x = torch::randn({60, inputs}), y = torch::randn({60, 1});
  const auto index = torch::randperm(60).slice(0, 0, rows);

  auto lean_model = model_of(registrar, yaml, inputs);
  auto reference = model_of(registrar, yaml, inputs);
  {
    torch::NoGradGuard no_grad;
    const auto a = lean_model->parameters(), b = reference->parameters();
    for (std::size_t i = 0; i < a.size(); ++i) b[i].copy_(a[i]);
  }
  const auto flat = tunelab::FlatParameters::adopt(*lean_model);
  REQUIRE(flat.has_value());
  auto lean = lean_step(registrar, lean_model);
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

// A block from outside the built-ins: x + Linear(x), with its step written
// out from train/lean_kernels.h, as a plugin would.
class SkipLinearImpl : public torch::nn::Module {
 public:
  explicit SkipLinearImpl(std::int64_t width)
      : linear(register_module("linear", torch::nn::Linear(width, width))) {}
  torch::Tensor forward(torch::Tensor x) { return x + linear->forward(x); }
  torch::nn::Linear linear;
};
TORCH_MODULE(SkipLinear);

class LeanSkipLinear : public tunelab::LeanLayer {
 public:
  explicit LeanSkipLinear(tunelab::lean::Linear linear) : linear_(std::move(linear)) {}
  int in_width() const override { return linear_.in; }
  int out_width() const override { return linear_.out; }
  const float* forward(const float* in, int rows) override {
    out_.assign(in, in + static_cast<std::size_t>(rows) * linear_.in);
    linear_.forward(in, out_.data(), rows, /*accumulate=*/true);
    return out_.data();
  }
  float* backward(const float* in, float* d_out, int rows, bool /*need_d_in*/) override {
    d_in_.assign(d_out, d_out + static_cast<std::size_t>(rows) * linear_.out);
    linear_.backward(in, d_out, d_in_.data(), rows, /*accumulate=*/true);
    return d_in_.data();
  }

 private:
  tunelab::lean::Linear linear_;
  std::vector<float> out_, d_in_;
};

tunelab::Registrar with_skip_linear(bool offer_lean_step) {
  tunelab::Registrar registrar;
  tunelab::register_builtins(registrar);
  tunelab::LeanLayerFactory lean;
  if (offer_lean_step) {
    lean = [](const torch::nn::Module& module) -> std::unique_ptr<tunelab::LeanLayer> {
      const auto* block = module.as<SkipLinear>();
      if (!block) return nullptr;
      auto linear = tunelab::lean::Linear::of(*block->linear);
      return linear ? std::make_unique<LeanSkipLinear>(std::move(*linear)) : nullptr;
    };
  }
  registrar.blocks.add(
      "SkipLinear", "x + Linear(x)",
      {[](const tunelab::BlockSpec& spec) { return torch::nn::AnyModule(SkipLinear(spec.c_in)); },
       lean});
  return registrar;
}

}  // namespace

TEST_SUITE("training") {
  TEST_CASE("the hand-written step gives autograd's loss, gradients and running statistics") {
    for (const std::string yaml :
         {"{name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: [2, 1], "
          "c_hidden: [16, 24]}",
          "{name: resnet, block: ResNetBlock, act_fn: leaky_relu, num_blocks: 2, c_hidden: 8}",
          "{name: resnet, block: ResNetBlock, act_fn: elu, num_blocks: 1, c_hidden: 12, "
          "groups: 3}",
          "{name: resnet, act_fn: gelu, num_blocks: 1, c_hidden: 8}",
          "{name: resnet, act_fn: silu, num_blocks: 1, c_hidden: 8}",
          "{name: resnet, act_fn: tanh, num_blocks: 1, c_hidden: 8}",
          "{name: resnet, block: PreActResNetBlock, act_fn: relu, num_blocks: [2, 1], "
          "c_hidden: [16, 24]}",
          "{name: resnet, block: PreActResNetBlock, act_fn: silu, num_blocks: 1, c_hidden: 8, "
          "groups: 3}",
          "{name: resnet_regression, hidden_dim: 12, num_blocks: 2}", "{name: linear}"})
      check_against_autograd(tunelab::test::builtins(), yaml);
  }

  TEST_CASE("a block registered with a hand-written step of its own trains with it") {
    const auto registrar = with_skip_linear(true);
    check_against_autograd(registrar, "{name: resnet, block: SkipLinear, num_blocks: 2}");
    // Registered without one, the same block keeps autograd's step.
    const auto plain = with_skip_linear(false);
    auto model = model_of(plain, "{name: resnet, block: SkipLinear, num_blocks: 2}", 4);
    REQUIRE(tunelab::FlatParameters::adopt(*model).has_value());
    CHECK(lean_step(plain, model) == nullptr);
  }

  TEST_CASE("other models and losses keep autograd's step") {
    const auto& registrar = tunelab::test::builtins();
    for (const char* yaml : {"{name: resnet, act_fn: gelu, act_fn_args: {approximate: tanh}}",
                             "{name: resnet, act_fn: mish}"}) {
      INFO(yaml);
      auto model = model_of(registrar, yaml, 4);
      REQUIRE(tunelab::FlatParameters::adopt(*model).has_value());
      CHECK(lean_step(registrar, model) == nullptr);
    }
    auto model = model_of(registrar, "{name: resnet}", 4);
    REQUIRE(tunelab::FlatParameters::adopt(*model).has_value());
    CHECK(lean_step(registrar, model, "mse") != nullptr);
    CHECK(lean_step(registrar, model, "l1") == nullptr);  // no kernel of its own
    // Dropout has no hand-written step.
    auto dropped = model_of(registrar, "{name: resnet, dropout: 0.1}", 4);
    REQUIRE(tunelab::FlatParameters::adopt(*dropped).has_value());
    CHECK(lean_step(registrar, dropped) == nullptr);
    auto residual = model_of(registrar,
                             "{name: resnet, block: PreActResNetBlock, "
                             "residual_dropout: 0.1}",
                             4);
    REQUIRE(tunelab::FlatParameters::adopt(*residual).has_value());
    CHECK(lean_step(registrar, residual) == nullptr);
  }

  TEST_CASE("the hand-written cross-entropy gives autograd's loss and gradients, 2 and 3 classes") {
    const auto& registrar = tunelab::test::builtins();
    for (const std::int64_t classes : {2, 3}) {
      for (const char* smoothing : {"0", "0.1"}) {
        CAPTURE(classes);
        CAPTURE(smoothing);
        torch::manual_seed(5);
        const std::int64_t outputs = classes == 2 ? 1 : classes, inputs = 6;
        const auto config = experiment_with(
            {"model={name: resnet, num_blocks: 1, c_hidden: 8, groups: 2}",
             "trainer.loss=cross_entropy",
             std::string("trainer.loss_args={label_smoothing: ") + smoothing + "}"});
        auto lean_model = tunelab::build_model(registrar, config.model, inputs, outputs);
        auto reference = tunelab::build_model(registrar, config.model, inputs, outputs);
        {
          torch::NoGradGuard no_grad;
          const auto a = lean_model->parameters(), b = reference->parameters();
          for (std::size_t i = 0; i < a.size(); ++i) b[i].copy_(a[i]);
        }
        REQUIRE(tunelab::FlatParameters::adopt(*lean_model).has_value());
        const auto components = tunelab::training_components(registrar, config.trainer);
        auto lean = tunelab::LeanNetwork::recognise(lean_model, components.lean_blocks,
                                                    components.loss.lean_kernel);
        REQUIRE(lean != nullptr);
        const auto x = 3 * torch::randn({50, inputs});
        const auto codes = torch::randint(classes, {50, 1}).to(torch::kFloat32);
        const auto index = torch::randperm(50).slice(0, 0, 29);
        lean_model->train();
        reference->train();
        const double loss = lean->forward_backward(x, codes, index);
        const auto expected = components.loss(reference->forward(x.index_select(0, index)),
                                              codes.index_select(0, index));
        expected.backward();
        CHECK(loss == doctest::Approx(expected.item<double>()).epsilon(1e-5));
        const auto a = lean_model->parameters(), b = reference->parameters();
        for (std::size_t i = 0; i < a.size(); ++i) {
          const double scale = b[i].grad().abs().max().item<double>();
          CHECK((a[i].grad() - b[i].grad()).abs().max().item<double>() <= 1e-5 * scale + 1e-7);
        }
      }
    }
    // Class weights keep autograd's step.
    const auto weighted = experiment_with(
        {"trainer.loss=cross_entropy", "trainer.loss_args={class_weights: [1, 2]}"});
    CHECK_FALSE(tunelab::training_components(registrar, weighted.trainer).loss.lean_kernel);
  }
}
