// The trainer's mini-batch step: recorded as a CUDA graph on a GPU, it trains
// as the same step run eagerly does. Without a GPU the recording is never
// made and both run eagerly; with one (bench/gpu-check.sh) the graphs are
// recorded and replayed.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include "config/experiment_loader.h"
#include "plugin/assembly.h"
#include "support.h"
#include "test_paths.h"
#include "train/batch_step.h"
#include "train/capturable_adam.h"
#include "train/cuda_graph.h"
#include "train/flat_parameters.h"

namespace {

struct Training {
  torch::nn::Sequential model;
  std::optional<tunelab::FlatParameters> flat;
  std::unique_ptr<torch::optim::Adam> optimizer;
  std::optional<tunelab::CapturableAdam> adam;
  std::unique_ptr<tunelab::BatchStep> step;
  std::vector<double> epoch_losses;
};

// The chapter's ResNet (both subsampling and identity blocks), trained with
// Adam on MSE over 100 rows in batches of 32 (and a last one of 4).
std::unique_ptr<Training> training(const c10::Device& device, const torch::Tensor& x,
                                   const torch::Tensor& y, bool record) {
  const auto experiment = tunelab::load_experiment(
      std::string(tunelab::test::kSourceDir) + "/experiments/diabetes_resnet.yaml",
      {"model={name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: [2, 1], "
       "c_hidden: [16, 24]}"});
  torch::manual_seed(11);
  auto t = std::make_unique<Training>();
  t->model = tunelab::build_model(tunelab::test::builtins(), experiment.config.model, x.size(1), 1);
  t->model->to(device);
  t->flat = tunelab::FlatParameters::adopt(*t->model);
  REQUIRE(t->flat.has_value());
  t->optimizer = std::make_unique<torch::optim::Adam>(std::vector{t->flat->values()},
                                                      torch::optim::AdamOptions(0.01));
  t->adam = tunelab::CapturableAdam::replacing(*t->optimizer, t->flat->values());
  REQUIRE(t->adam.has_value());
  tunelab::StepUpdate update;
  Training* raw = t.get();
  update.zero_grad = [raw] { raw->flat->values().mutable_grad().zero_(); };
  update.apply = [raw] { raw->adam->step(); };
  update.replayable = true;
  t->step = std::make_unique<tunelab::BatchStep>(
      t->model,
      [](const at::Tensor& prediction, const at::Tensor& target) {
        return torch::mse_loss(prediction, target);
      },
      x, y, std::move(update), record);
  return t;
}

void train_epochs(Training& t, int epochs, const c10::Device& device) {
  auto shuffle = at::make_generator<at::CPUGeneratorImpl>(7);
  const std::int64_t n = 100;
  t.model->train();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto order = torch::randperm(n, shuffle).to(device);
    for (std::int64_t begin = 0; begin < n; begin += 32)
      t.step->run(order, begin, std::min(n, begin + 32));
    t.epoch_losses.push_back(t.step->take_loss_sum() / n);
  }
}

}  // namespace

TEST_SUITE("training") {
  TEST_CASE("a training step recorded as a CUDA graph trains as the eager step does") {
    std::vector<c10::Device> devices{c10::Device(c10::kCPU)};
    if (torch::cuda::is_available()) devices.emplace_back(c10::kCUDA, 0);
    for (const auto& device : devices) {
      INFO("device " << device.str());
      const tunelab::DeviceStreamScope stream_scope(device);
      torch::manual_seed(2);
      const auto x = torch::randn({100, 6}).to(device);
      const auto y = (x.sum(1, true) * 0.5 + 0.1 * torch::randn({100, 1}).to(device));
      auto recorded = training(device, x, y, true);
      auto eager = training(device, x, y, false);
      // 3 eager steps per batch size before recording: the batches of 32 are
      // replayed from the second epoch, the last batch of 4 from the fourth.
      const int epochs = 6;
      train_epochs(*recorded, epochs, device);
      train_epochs(*eager, epochs, device);

      CHECK(eager->step->recorded_graphs() == 0);
      CHECK(recorded->step->recorded_graphs() == (tunelab::can_record_cuda_graphs(device) ? 2 : 0));
      REQUIRE(recorded->epoch_losses.size() == static_cast<std::size_t>(epochs));
      CHECK(recorded->epoch_losses.back() < 0.5 * recorded->epoch_losses.front());
      for (int e = 0; e < epochs; ++e) {
        INFO("epoch " << e + 1);
        CHECK(recorded->epoch_losses[e] == doctest::Approx(eager->epoch_losses[e]).epsilon(1e-6));
      }
      const auto a = recorded->model->parameters(), b = eager->model->parameters();
      for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("parameter " << i);
        CHECK(torch::allclose(a[i].cpu(), b[i].cpu(), 1e-5, 1e-6));
      }
      // BatchNorm's running statistics moved in the replays too.
      const auto sa = recorded->model->buffers(), sb = eager->model->buffers();
      for (std::size_t i = 0; i < sa.size(); ++i) {
        INFO("buffer " << i);
        CHECK(torch::allclose(sa[i].cpu().to(torch::kFloat64), sb[i].cpu().to(torch::kFloat64),
                              1e-5, 1e-6));
      }
    }
  }

  TEST_CASE("recording a CUDA graph needs a GPU and a LibTorch with CUDA") {
    CHECK(!tunelab::can_record_cuda_graphs(c10::Device(c10::kCPU)));
    if (!tunelab::can_record_cuda_graphs(c10::Device(c10::kCUDA, 0)))
      CHECK_THROWS(tunelab::CudaGraph::record([] {}));
  }
}
