// k-fold cross-validation (data.folds): the folds partition the training and
// validation rows, and a trial's losses are the means over the folds.

#include <doctest/doctest.h>

#include <set>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "runner/cross_validation.h"
#include "support.h"
#include "test_paths.h"

namespace {

tunelab::Experiment quickstart(const std::vector<std::string>& sets) {
  return tunelab::load_experiment(
      std::string(tunelab::test::kSourceDir) + "/experiments/quickstart.yaml", sets);
}

}  // namespace

TEST_SUITE("cross-validation") {
  TEST_CASE("the folds partition the train and val rows, and share the test rows") {
    const auto e = quickstart({"data.folds=4"});
    const auto folds = tunelab::fold_data(e.config, e.base_dir, tunelab::test::builtins());
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

  TEST_CASE("a trial's losses are the means over its folds, each trained with the trial's seed") {
    const auto e = quickstart({"data.folds=3", "trainer.epochs=4"});
    const auto& registrar = tunelab::test::builtins();
    const auto folds = tunelab::fold_data(e.config, e.base_dir, registrar);
    const auto cv = tunelab::cross_validate(e.config, folds, registrar, 17, {});
    double val = 0, test = 0, first_epoch_train = 0;
    for (const auto& f : folds) {
      const auto run = tunelab::train_trial(e.config, f, registrar, 17);
      val += run.result.best_val_loss / 3;
      test += run.result.test_loss / 3;
      first_epoch_train += run.result.epochs.front().train_loss / 3;
    }
    CHECK(cv.mean.best_val_loss == doctest::Approx(val).epsilon(1e-12));
    CHECK(cv.mean.test_loss == doctest::Approx(test).epsilon(1e-12));
    CHECK(cv.mean.epochs.front().train_loss == doctest::Approx(first_epoch_train).epsilon(1e-12));
    CHECK(cv.mean.epochs.size() == 4);
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
      CHECK(first[i]["state"] == "COMPLETE");
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
