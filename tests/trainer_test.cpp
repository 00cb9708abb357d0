#include <doctest/doctest.h>
#include <torch/torch.h>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "plugin/assembly.h"
#include "runner/trial/single_run.h"
#include "support.h"
#include "test_paths.h"

namespace {

tunelab::Experiment experiment(const std::string& file, const std::vector<std::string>& sets = {}) {
  return tunelab::load_experiment(std::string(tunelab::test::kSourceDir) + "/" + file, sets);
}

tunelab::RunSummary run(const std::string& file, const std::vector<std::string>& sets = {}) {
  return tunelab::run_single(experiment(file, sets), tunelab::test::builtins());
}

std::vector<double> train_losses(const tunelab::TrainResult& r) {
  std::vector<double> out;
  for (const auto& e : r.epochs) out.push_back(e.train_loss);
  return out;
}

std::vector<double> train_losses(const tunelab::RunSummary& r) { return train_losses(r.result); }

const std::string kChapter = "experiments/seed_chapter.yaml";
const std::string kDiabetes = "experiments/diabetes_resnet.yaml";

}  // namespace

TEST_SUITE("training") {
  TEST_CASE("the chapter's Example 34.1: 10 full-batch epochs / the loss falls every epoch") {
    const auto summary = run(kChapter);
    CHECK(summary.parameters == 85761);
    CHECK(summary.train_rows == 100);
    const auto losses = train_losses(summary.result);
    REQUIRE(losses.size() == 10);
    for (std::size_t i = 1; i < losses.size(); ++i) CHECK(losses[i] < losses[i - 1]);
    // Unscaled make_regression targets: the MSE starts in the tens of thousands.
    CHECK(losses.front() > 1000.0);
  }

  TEST_CASE("same file / same seed: bit-identical losses / another seed: other losses") {
    const auto a = run(kDiabetes, {"trainer.epochs=3"});
    const auto b = run(kDiabetes, {"trainer.epochs=3"});
    const auto c = run(kDiabetes, {"trainer.epochs=3", "seed=1"});
    REQUIRE(a.result.epochs.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(a.result.epochs[i].train_loss == b.result.epochs[i].train_loss);
      CHECK(a.result.epochs[i].val_loss == b.result.epochs[i].val_loss);
      CHECK(a.result.epochs[i].train_loss != c.result.epochs[i].train_loss);
    }
    CHECK(a.result.test_loss == b.result.test_loss);
  }

  TEST_CASE("every optimizer trains a diabetes ResNet below the mean predictor") {
    // With standardised y, predicting the training mean scores an MSE of about 1.
    for (const char* optimizer : {"adam", "adamw", "sgd", "rmsprop", "adagrad"}) {
      INFO("optimizer " << optimizer);
      const auto summary =
          run(kDiabetes, {"model={name: resnet_regression, hidden_dim: 16}",
                          std::string("trainer.optimizer=") + optimizer, "trainer.epochs=15",
                          "trainer.early_stopping.patience=0"});
      CHECK(summary.result.best_val_loss < 0.7);
      CHECK(summary.result.test_loss < 0.7);
    }
  }

  TEST_CASE("the fast path (one flat parameter buffer) trains as the plain path does") {
    // Same seed, every built-in optimizer with its options set away from the
    // defaults: the per-epoch losses, the kept epoch and the kept weights'
    // test loss agree to float rounding. For Adam and AdamW this ResNet's step
    // is also the hand-written one (train/lean_network.h), whose rounding is
    // not autograd's: the two agree to 1e-4 where no BatchNorm channel comes
    // near zero variance. One that does divides the last place's rounding by
    // sqrt(eps) and the trainings part: with two blocks a group instead of
    // one, PyTorch's initialisation and Adam, from the first epoch. (The
    // hand-written step's gradients are autograd's to 1e-5 at every step:
    // tests/lean_network_test.cpp.)
    const std::vector<std::vector<std::string>> optimizers{
        {"trainer.optimizer=adam", "trainer.optimizer_args={amsgrad: true}"},
        {"trainer.optimizer=adamw", "trainer.weight_decay=0.01"},
        {"trainer.optimizer=sgd", "trainer.optimizer_args={momentum: 0.5, nesterov: true}"},
        {"trainer.optimizer=rmsprop", "trainer.optimizer_args={centered: true}"},
        {"trainer.optimizer=adagrad"}};
    for (auto sets : optimizers) {
      INFO(sets.front());
      sets.insert(sets.end(),
                  {"trainer.epochs=4", "trainer.batch_size=16", "trainer.early_stopping.patience=3",
                   "trainer.lr=0.003", "model.num_blocks=1"});
      auto plain_sets = sets;
      plain_sets.push_back("trainer.fast_path=false");
      const auto fast = run(kDiabetes, sets);
      const auto plain = run(kDiabetes, plain_sets);
      REQUIRE(fast.result.epochs.size() == plain.result.epochs.size());
      for (std::size_t i = 0; i < fast.result.epochs.size(); ++i) {
        CHECK(fast.result.epochs[i].train_loss ==
              doctest::Approx(plain.result.epochs[i].train_loss).epsilon(1e-4));
        CHECK(fast.result.epochs[i].val_loss ==
              doctest::Approx(plain.result.epochs[i].val_loss).epsilon(1e-4));
      }
      CHECK(fast.result.best_epoch == plain.result.best_epoch);
      CHECK(fast.result.test_loss == doctest::Approx(plain.result.test_loss).epsilon(1e-4));
      // The module's own parameters hold the trained values.
      const auto a = fast.model->parameters(), b = plain.model->parameters();
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) CHECK(torch::allclose(a[i], b[i], 1e-4, 1e-5));
    }
  }

  TEST_CASE("a learning-rate schedule sets each step's rate, recorded per epoch, on every step") {
    const std::vector<std::string> base = {"trainer.epochs=6", "trainer.batch_size=32",
                                           "trainer.early_stopping.patience=0", "trainer.lr=0.01"};
    const auto lrs = [](const tunelab::RunSummary& r) {
      std::vector<double> out;
      for (const auto& e : r.result.epochs) out.push_back(e.lr);
      return out;
    };
    const auto constant = run(kDiabetes, base);
    for (double lr : lrs(constant)) CHECK(lr == 0.01);

    auto with = [&](std::vector<std::string> more) {
      more.insert(more.begin(), base.begin(), base.end());
      return more;
    };
    // Cosine: each epoch's mean rate below the one before, the last near 0.
    const auto cosine = run(kDiabetes, with({"trainer.schedule=cosine"}));
    const auto c = lrs(cosine);
    REQUIRE(c.size() == 6);
    CHECK(c.front() < 0.01);
    CHECK(c.front() > 0.0095);
    for (std::size_t i = 1; i < c.size(); ++i) CHECK(c[i] < c[i - 1]);
    CHECK(c.back() < 0.001);
    CHECK(train_losses(cosine) != train_losses(constant));
    // A warm-up rises to the rate over its epochs, then the schedule runs.
    const auto warm = lrs(run(kDiabetes, with({"trainer.warmup_epochs=2"})));
    CHECK(warm[0] < warm[1]);
    CHECK(warm[0] == doctest::Approx(0.01 * 0.25).epsilon(0.1));
    CHECK(warm[2] == 0.01);
    const auto onecycle = lrs(run(kDiabetes, with({"trainer.schedule=onecycle"})));
    CHECK(onecycle[0] < onecycle[1]);
    CHECK(onecycle[5] < onecycle[3]);

    // The hand-written step (fast path) follows the schedule as the plain
    // one does, and the same file gives the same numbers.
    const auto plain = run(kDiabetes, with({"trainer.schedule=cosine", "trainer.fast_path=false"}));
    const auto again = run(kDiabetes, with({"trainer.schedule=cosine"}));
    CHECK(train_losses(again) == train_losses(cosine));
    for (std::size_t i = 0; i < c.size(); ++i)
      CHECK(cosine.result.epochs[i].train_loss ==
            doctest::Approx(plain.result.epochs[i].train_loss).epsilon(1e-4));
  }

  TEST_CASE("gradient clipping bounds each update, on the fast and the plain step alike") {
    const std::vector<std::string> base = {"trainer.epochs=4", "trainer.batch_size=32",
                                           "trainer.early_stopping.patience=0", "trainer.lr=0.01"};
    auto with = [&](std::vector<std::string> more) {
      more.insert(more.begin(), base.begin(), base.end());
      return more;
    };
    const auto free = run(kDiabetes, base);
    const auto clipped = run(kDiabetes, with({"trainer.grad_clip=0.05"}));
    const auto plain = run(kDiabetes, with({"trainer.grad_clip=0.05", "trainer.fast_path=false"}));
    CHECK(train_losses(clipped) != train_losses(free));
    // A bound far above any gradient's norm changes nothing.
    CHECK(train_losses(run(kDiabetes, with({"trainer.grad_clip=1e9"}))) == train_losses(free));
    // The hand-written step's rounding differs from autograd's, and every
    // clipped update rescales by the norm it sees: close, not equal.
    CHECK(clipped.result.epochs[0].train_loss ==
          doctest::Approx(plain.result.epochs[0].train_loss).epsilon(1e-4));
    for (std::size_t i = 0; i < clipped.result.epochs.size(); ++i)
      CHECK(clipped.result.epochs[i].train_loss ==
            doctest::Approx(plain.result.epochs[i].train_loss).epsilon(1e-2));
  }

  TEST_CASE("dropout in the blocks trains differently, reproducibly, and predicts without it") {
    const std::vector<std::string> base = {"trainer.epochs=4", "trainer.batch_size=32",
                                           "trainer.early_stopping.patience=0"};
    auto with = [&](std::vector<std::string> more) {
      more.insert(more.begin(), base.begin(), base.end());
      return more;
    };
    const auto none = run(kDiabetes, base);
    for (const char* key : {"model.dropout=0.3", "model.residual_dropout=0.3"}) {
      CAPTURE(key);
      auto dropped = run(kDiabetes, with({key}));
      CHECK(train_losses(dropped) != train_losses(none));
      CHECK(train_losses(run(kDiabetes, with({key}))) == train_losses(dropped));
      const auto plain = run(kDiabetes, with({key, "trainer.fast_path=false"}));
      for (std::size_t i = 0; i < dropped.result.epochs.size(); ++i)
        CHECK(dropped.result.epochs[i].train_loss ==
              doctest::Approx(plain.result.epochs[i].train_loss).epsilon(1e-4));
      // In evaluation the kept model is deterministic.
      torch::NoGradGuard no_grad;
      dropped.model->eval();
      const auto x = torch::randn({8, 10});
      CHECK(torch::equal(dropped.model->forward(x), dropped.model->forward(x)));
    }
  }

  TEST_CASE("schedules, warm-ups, clipping and dropout out of range are refused with the key") {
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"trainer.schedule=cosin", "did you mean 'cosine'"},
        {"trainer.warmup_epochs=100", "leaves none of the 100 epochs"},
        {"trainer.warmup_epochs=-1", "must not be negative"},
        {"trainer.grad_clip=-1", "largest gradient norm"},
        {"model.dropout=1", "must be at least 0 and below 1"},
        {"model.residual_dropout=-0.1", "must be at least 0 and below 1"}};
    for (const auto& [set, message] : refused) {
      CAPTURE(set);
      try {
        tunelab::run_single(experiment(kDiabetes, {set}), tunelab::test::builtins());
        FAIL("accepted");
      } catch (const std::exception& e) {
        CHECK_MESSAGE(std::string(e.what()).find(message) != std::string::npos, e.what());
      }
    }
  }

  TEST_CASE("l1 and huber losses are what training minimises and reports") {
    for (const char* loss : {"l1", "huber"}) {
      INFO("loss " << loss);
      const auto summary =
          run(kDiabetes, {"model={name: resnet_regression, hidden_dim: 16}",
                          std::string("trainer.loss=") + loss, "trainer.epochs=10"});
      const auto& epochs = summary.result.epochs;
      CHECK(epochs.back().train_loss < 0.8 * epochs.front().train_loss);
      CHECK(summary.result.best_val_loss < epochs.front().val_loss);
    }
    const auto mse = run(kDiabetes, {"trainer.epochs=2"});
    const auto l1 = run(kDiabetes, {"trainer.epochs=2", "trainer.loss=l1"});
    CHECK(mse.result.epochs.front().train_loss != l1.result.epochs.front().train_loss);
  }

  TEST_CASE("early stopping stops after `patience` epochs without improvement / keeping the best") {
    const auto summary = run(
        kDiabetes, {"trainer.lr=0.05", "trainer.epochs=200", "trainer.early_stopping.patience=3"});
    const auto& r = summary.result;
    CHECK(r.stopped_early);
    CHECK(r.epochs.size() == static_cast<std::size_t>(r.best_epoch + 3));
    double best = r.epochs.front().val_loss;
    for (const auto& e : r.epochs) best = std::min(best, e.val_loss);
    CHECK(r.best_val_loss == best);
    CHECK(r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].val_loss == best);
  }

  TEST_CASE("the model keeps the best validation epoch's weights / and the test loss is theirs") {
    const auto& registrar = tunelab::test::builtins();
    const auto exp = experiment(kDiabetes, {"trainer.lr=0.05", "trainer.epochs=12"});
    const auto data = registrar.datasets.factory("diabetes")({});
    auto splits = tunelab::split_dataset(data, exp.config.data.split, 4);
    tunelab::prepare_features(splits, true, true);
    torch::manual_seed(4);
    auto model = tunelab::build_model(registrar, exp.config.model, 10, 1);
    const auto r = tunelab::train_model(model, splits, exp.config.trainer,
                                        tunelab::training_components(registrar, exp.config.trainer),
                                        torch::kCPU, 4);
    torch::NoGradGuard no_grad;
    model->eval();
    const double val = torch::mse_loss(model->forward(splits.val.x), splits.val.y).item<double>();
    const double test =
        torch::mse_loss(model->forward(splits.test.x), splits.test.y).item<double>();
    CHECK(val == doctest::Approx(r.best_val_loss).epsilon(1e-6));
    CHECK(test == doctest::Approx(r.test_loss).epsilon(1e-6));
    CHECK(r.best_epoch <
          static_cast<int>(r.epochs.size()));  // lr 0.05 overfits: the best is not the last
  }

  TEST_CASE("a diverging run fails with the epoch it diverged in") {
    CHECK_THROWS_WITH_AS(run(kDiabetes, {"data.standardize.y=false", "trainer.optimizer=sgd",
                                         "trainer.lr=1e6", "trainer.epochs=5"}),
                         doctest::Contains("training loss became"), tunelab::TrainingError);
  }

  TEST_CASE("on a GPU the fast path (CUDA graphs) trains as the plain path does, reproducibly") {
    // Runs where LibTorch sees a CUDA device (bench/gpu-check.sh); nothing
    // to check elsewhere.
    if (!torch::cuda::is_available()) return;
    for (const char* optimizer : {"trainer.optimizer=adam", "trainer.optimizer=adamw",
                                  "trainer.optimizer=sgd", "trainer.optimizer=rmsprop"}) {
      INFO(optimizer);
      const std::vector<std::string> sets{"device=cuda", optimizer, "trainer.epochs=4",
                                          "trainer.batch_size=32"};
      auto plain_sets = sets;
      plain_sets.push_back("trainer.fast_path=false");
      const auto fast = run(kDiabetes, sets), again = run(kDiabetes, sets),
                 plain = run(kDiabetes, plain_sets);
      REQUIRE(fast.result.epochs.size() == 4);
      for (std::size_t i = 0; i < 4; ++i) {
        INFO("epoch " << i + 1);
        CHECK(fast.result.epochs[i].train_loss == again.result.epochs[i].train_loss);
        CHECK(fast.result.epochs[i].val_loss == again.result.epochs[i].val_loss);
        CHECK(fast.result.epochs[i].train_loss ==
              doctest::Approx(plain.result.epochs[i].train_loss).epsilon(1e-4));
      }
      CHECK(fast.result.test_loss == again.result.test_loss);
    }
  }

  TEST_CASE("asking for CUDA without a device is a clear configuration error") {
    if (torch::cuda::is_available()) return;
    CHECK_THROWS_WITH_AS(run(kChapter, {"device=cuda"}),
                         "'cuda' asked for, but this tunelab sees no CUDA device (use auto or cpu)",
                         tunelab::ConfigError);
  }
}
