// The trainer's own Adam steps against LibTorch's Adam and AdamW: the fused
// one of the CPU and the capturable one of the GPU (tested here on the CPU)
// give the same parameters after the same gradients, to float rounding.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include "train/capturable_adam.h"
#include "train/fused_adam.h"

namespace {

enum class Step { libtorch, fused, capturable };

// `steps` updates of a 10,000-element parameter (several of the fused
// step's chunks) by `optimizer`, the gradients drawn from a fixed seed.
template <typename Optimizer, typename Options>
torch::Tensor after_steps(const Options& options, Step step, int steps) {
  torch::manual_seed(5);
  torch::Tensor param = torch::randn({10000});
  param.set_requires_grad(true);
  param.mutable_grad() = torch::zeros_like(param);
  Optimizer optimizer({param}, options);
  auto fused = tunelab::FusedAdam::replacing(optimizer, param);
  auto capturable = tunelab::CapturableAdam::replacing(optimizer, param);
  REQUIRE(fused.has_value());
  REQUIRE(capturable.has_value());
  for (int s = 0; s < steps; ++s) {
    // Gradients of very different sizes, as a network's are.
    param.mutable_grad().copy_(torch::randn({10000}) * torch::rand({10000}).pow(4) * 10);
    torch::NoGradGuard no_grad;
    switch (step) {
      case Step::libtorch:
        optimizer.step();
        break;
      case Step::fused:
        fused->step();
        break;
      case Step::capturable:
        capturable->step();
        break;
    }
  }
  return param.detach().clone();
}

}  // namespace

TEST_SUITE("training") {
  TEST_CASE("fused and capturable Adam and AdamW update as LibTorch's do, with every option") {
    using torch::optim::Adam, torch::optim::AdamOptions, torch::optim::AdamW,
        torch::optim::AdamWOptions;
    const auto agree = [](const torch::Tensor& a, const torch::Tensor& b) {
      const double largest = (a - b).abs().max().item<double>();
      INFO("largest difference " << largest);
      CHECK(torch::allclose(a, b, 1e-5, 1e-6));
    };
    for (const Step step : {Step::fused, Step::capturable}) {
      INFO((step == Step::fused ? "fused" : "capturable"));
      for (const bool amsgrad : {false, true}) {
        INFO("amsgrad " << amsgrad);
        const auto adam = AdamOptions(0.01).weight_decay(0.1).amsgrad(amsgrad).betas({0.8, 0.99});
        agree(after_steps<Adam>(adam, step, 20), after_steps<Adam>(adam, Step::libtorch, 20));
        const auto adamw = AdamWOptions(0.01).weight_decay(0.1).amsgrad(amsgrad).eps(1e-6);
        agree(after_steps<AdamW>(adamw, step, 20), after_steps<AdamW>(adamw, Step::libtorch, 20));
      }
      // The parameters did move.
      CHECK(!torch::allclose(after_steps<Adam>(AdamOptions(0.01), step, 3),
                             after_steps<Adam>(AdamOptions(0.01), step, 0)));
    }
  }

  TEST_CASE("fused and capturable Adam decline other optimizers and other tensors") {
    torch::Tensor param = torch::zeros({4}, torch::requires_grad());
    torch::optim::SGD sgd({param}, torch::optim::SGDOptions(0.1));
    CHECK(!tunelab::FusedAdam::replacing(sgd, param).has_value());
    CHECK(!tunelab::CapturableAdam::replacing(sgd, param).has_value());
    torch::Tensor doubles = torch::zeros({4}, torch::dtype(torch::kFloat64).requires_grad(true));
    torch::optim::Adam adam({doubles}, torch::optim::AdamOptions(0.1));
    CHECK(!tunelab::FusedAdam::replacing(adam, doubles).has_value());
    CHECK(!tunelab::CapturableAdam::replacing(adam, doubles).has_value());
    torch::Tensor other = torch::zeros({4}, torch::requires_grad());
    torch::optim::Adam two_tensors({param, other}, torch::optim::AdamOptions(0.1));
    CHECK(!tunelab::CapturableAdam::replacing(two_tensors, param).has_value());
  }
}
