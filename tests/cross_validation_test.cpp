// k-fold cross-validation (data.folds): the folds partition the training and
// validation rows, a trial's validation loss is the mean over the folds, and
// its model is the ensemble of the fold models.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <set>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "model/block.h"
#include "plugin/registrar.h"
#include "plugins/builtins.h"
#include "runner/trial/cross_validation.h"
#include "support.h"
#include "test_paths.h"

namespace {

tunelab::Experiment quickstart(const std::vector<std::string>& sets) {
  return tunelab::load_experiment(
      std::string(tunelab::test::kSourceDir) + "/experiments/quickstart.yaml", sets);
}

// A block that draws from LibTorch's global generator while it trains, as a
// plugin's dropout would.
struct NoisyBlockImpl : torch::nn::Module {
  explicit NoisyBlockImpl(std::int64_t width)
      : linear(register_module("linear", torch::nn::Linear(width, width))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    return x + torch::dropout(linear(x), 0.3, is_training());
  }
  torch::nn::Linear linear;
};
TORCH_MODULE(NoisyBlock);

}  // namespace

TEST_SUITE("cross-validation") {
  TEST_CASE("the folds partition the train and val rows, and share the test rows") {
    const auto e = quickstart({"data.folds=4"});
    const auto folds = tunelab::fold_data(e.config, e.base_dir, tunelab::test::builtins()).folds;
    REQUIRE(folds.size() == 4);
    // The diabetes data: 442 rows, 0.6 / 0.2 / 0.2 -> 353 pooled, 89 test.
    std::set<std::int64_t> held_out_sizes;
    for (const auto& f : folds) {
      CHECK(f.splits.train.rows() + f.splits.val.rows() == 353);
      CHECK(f.splits.test.rows() == 89);
      held_out_sizes.insert(f.splits.val.rows());
      // Standardised on its own training rows.
      CHECK(f.splits.train.x.mean().item<double>() == doctest::Approx(0).epsilon(1e-5));
    }
    CHECK(held_out_sizes == std::set<std::int64_t>{88, 89});
    // Every pooled row is held out exactly once: the unscaled validation
    // targets of all folds together are the pooled targets.
    double held_out = 0, pooled = 0;
    for (const auto& f : folds) {
      held_out += f.scaling.y->invert(f.splits.val.y).sum().item<double>();
      pooled += f.scaling.y->invert(f.splits.val.y).sum().item<double>() +
                f.scaling.y->invert(f.splits.train.y).sum().item<double>();
    }
    CHECK(held_out * 4 == doctest::Approx(pooled).epsilon(1e-5));
  }

  TEST_CASE(
      "a trial's val loss is the folds' mean / its test loss the ensemble's, in the split's "
      "units") {
    const auto e = quickstart({"data.folds=3", "trainer.epochs=4"});
    const auto& registrar = tunelab::test::builtins();
    const auto folds = tunelab::fold_data(e.config, e.base_dir, registrar);
    const auto cv = tunelab::cross_validate(e.config, folds, registrar, 17, {});
    const auto& whole = folds.whole;
    const auto& test = whole.splits.test;
    double val = 0, first_epoch_train = 0, members_test = 0;
    torch::Tensor raw_sum = torch::zeros_like(test.y);
    for (const auto& f : folds.folds) {
      auto run = tunelab::train_trial(e.config, f, registrar, 17);
      val += run.result.best_val_loss / 3;
      first_epoch_train += run.result.epochs.front().train_loss / 3;
      // This fold's predictions for the test rows, in the targets' own units.
      torch::NoGradGuard no_grad;
      run.model->eval();
      const auto raw_x = whole.scaling.x->invert(test.x);
      const auto raw = f.scaling.y->invert(run.model->forward(f.scaling.x->apply(raw_x)));
      raw_sum += raw;
      members_test += torch::mse_loss(whole.scaling.y->apply(raw), test.y).item<double>() / 3;
    }
    CHECK(cv.mean.best_val_loss == doctest::Approx(val).epsilon(1e-12));
    CHECK(cv.mean.epochs.front().train_loss == doctest::Approx(first_epoch_train).epsilon(1e-12));
    CHECK(cv.mean.epochs.size() == 4);
    const double ensemble =
        torch::mse_loss(whole.scaling.y->apply(raw_sum / 3), test.y).item<double>();
    CHECK(cv.mean.test_loss == doctest::Approx(ensemble).epsilon(1e-5));
    // The mean of the predictions does better than the folds do on average
    // (the squared error is convex), here by a clear margin.
    CHECK(cv.mean.test_loss < 0.98 * members_test);
    CHECK(cv.models.members.size() == 3);
  }

  TEST_CASE("folds trained side by side give what one after another gives / with dropout too") {
    tunelab::Registrar registrar;
    tunelab::register_builtins(registrar);
    registrar.blocks.add("NoisyBlock", "dropout inside", [](const tunelab::BlockSpec& spec) {
      return torch::nn::AnyModule(NoisyBlock(spec.c_in));
    });
    for (const char* block : {"ResNetBlock", "NoisyBlock"}) {
      INFO(block);
      const auto e =
          quickstart({"data.folds=4", "trainer.epochs=3", std::string("model.block=") + block});
      const auto folds = tunelab::fold_data(e.config, e.base_dir, registrar);
      // The caller (a pruner) sees the first fold's epochs once each, in
      // order, and the same values as that fold trained alone.
      std::vector<double> seen;
      const auto side_by_side =
          tunelab::cross_validate(e.config, folds, registrar, 5, [&](const auto& r) {
            seen.push_back(r.val_loss);
            return true;
          });
      const auto alone = tunelab::train_trial(e.config, folds.folds[0], registrar, 5).result;
      REQUIRE(seen.size() == 3);
      for (std::size_t i = 0; i < 3; ++i) CHECK(seen[i] == alone.epochs[i].val_loss);
      const auto again = tunelab::cross_validate(e.config, folds, registrar, 5, {});
      double val = 0;
      for (const auto& f : folds.folds)
        val += tunelab::train_trial(e.config, f, registrar, 5).result.best_val_loss / 4;
      CHECK(side_by_side.mean.best_val_loss == doctest::Approx(val).epsilon(1e-12));
      CHECK(again.mean.best_val_loss == side_by_side.mean.best_val_loss);
      CHECK(again.mean.test_loss == side_by_side.mean.test_loss);
    }
  }

  TEST_CASE("a first fold stopped by the caller stops the trial: one fold's curve, no ensemble") {
    const auto e = quickstart({"data.folds=4", "trainer.epochs=20"});
    const auto& registrar = tunelab::test::builtins();
    const auto folds = tunelab::fold_data(e.config, e.base_dir, registrar);
    const auto cv = tunelab::cross_validate(
        e.config, folds, registrar, 5, [](const tunelab::EpochRecord& r) { return r.epoch < 3; });
    CHECK(cv.mean.stopped_by_caller);
    CHECK(cv.mean.epochs.size() == 3);
    CHECK(cv.models.members.empty());
    CHECK(cv.first_fold.result.epochs.size() == 3);
  }

  TEST_CASE("a study with folds stores the fold means and reproduces them") {
    tunelab::test::ScratchDir dir;
    const auto run = [&](const std::string& db) {
      const auto r = tunelab::test::run_tunelab(
          "run experiments/quickstart.yaml --set data.folds=3 --set search.trials=3 --set "
          "trainer.epochs=3 --quiet --storage " +
          (dir.path() / db).string());
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      CHECK(r.output.find("best: trial") != std::string::npos);
      return tunelab::test::json_of("export quickstart --format json --storage " +
                                    (dir.path() / db).string());
    };
    const auto first = run("a.db"), second = run("b.db");
    REQUIRE(first.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(first[i]["val_loss"] == second[i]["val_loss"]);
      CHECK(first[i]["test_loss"] == second[i]["test_loss"]);
      CHECK(first[i]["state"] == "COMPLETE");
    }

    // The kept weights are the ensemble: on the test rows, predict reports
    // the stored test loss.
    const auto rows = dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
    const std::string storage = " --storage " + (dir.path() / "a.db").string();
    const auto best = tunelab::test::json_of("best quickstart --format json" + storage);
    const auto r =
        tunelab::test::run_tunelab("predict quickstart --input " + rows.string() + " --output " +
                                   (dir.path() / "p.csv").string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(tunelab::test::predicted_loss(r.output, 89) ==
          doctest::Approx(best["test_loss"].get<double>()).epsilon(1e-5));

    // rerun trains every fold again, as the study did: the stored means, exactly.
    for (int trial = 0; trial < 3; ++trial) {
      const auto rerun =
          tunelab::test::run_tunelab("rerun quickstart " + std::to_string(trial) + storage);
      INFO(rerun.output);
      CHECK(rerun.exit_status == 0);
      CHECK(rerun.output.find("retrained 3 of 3 stored epochs") != std::string::npos);
      CHECK(rerun.output.find("stored losses: 0 (bit-identical)") != std::string::npos);
    }
  }

  TEST_CASE("rerun of cross-validated trials that early stopping and a pruner cut short") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "cv.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/diabetes_cv.yaml --trials 6 --quiet --set trainer.epochs=30" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto trials = tunelab::test::json_of("export diabetes-resnet-cv --format json" + storage);
    for (const auto& trial : trials) {
      const std::string number = std::to_string(trial["number"].get<int>());
      const auto rerun = tunelab::test::run_tunelab("rerun diabetes-resnet-cv " + number + storage);
      INFO("trial " << number << " (" << trial["state"] << ")\n" << rerun.output);
      CHECK(rerun.exit_status == 0);
      CHECK(rerun.output.find("stored losses: 0 (bit-identical)") != std::string::npos);
    }
  }

  TEST_CASE("a rerun that does not reproduce exits 1 and names the epoch") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "cv.db").string();
    REQUIRE(tunelab::test::run_tunelab(
                "run experiments/quickstart.yaml --set search.trials=1 --set trainer.epochs=3 "
                "--quiet --storage " +
                db)
                .exit_status == 0);
    {
      SQLite::Database d(db, SQLite::OPEN_READWRITE);
      d.exec("UPDATE epochs SET val_loss = val_loss * 1.001 WHERE epoch = 2");
    }
    auto r = tunelab::test::run_tunelab("rerun quickstart 0 --storage " + db);
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("did not reproduce: val_loss differs by") != std::string::npos);
    CHECK(r.output.find("in epoch 2") != std::string::npos);
    r = tunelab::test::run_tunelab("rerun quickstart 0 --tolerance 0.1 --storage " + db);
    CHECK(r.exit_status == 0);
    for (const char* bad : {"nan", "-1", "inf"}) {
      r = tunelab::test::run_tunelab(std::string("rerun quickstart 0 --tolerance ") + bad +
                                     " --storage " + db);
      CHECK(r.exit_status == 2);
      CHECK(r.output.find("--tolerance: must be a finite number >= 0") != std::string::npos);
    }
  }

  TEST_CASE("more folds than rows allow is refused with the key") {
    const auto e =
        quickstart({"data.folds=100", "data.dataset=make_regression", "data.args={n_samples: 50}"});
    CHECK_THROWS_WITH_AS(tunelab::fold_data(e.config, e.base_dir, tunelab::test::builtins()),
                         "100 folds need at least 200 training and validation rows; the split "
                         "has 40",
                         tunelab::ConfigError);
    CHECK_THROWS_AS(quickstart({"data.folds=0"}), tunelab::InputError);
  }
}
