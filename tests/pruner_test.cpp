// The pruners: each stops a trial that is clearly worse than the finished
// ones and lets a clearly better one train to the end.

#include <doctest/doctest.h>

#include <set>

#include "common/errors.h"
#include "search/pruning_curves.h"
#include "search/sampler.h"
#include "support.h"

namespace {

using tunelab::EpochValues;
using tunelab::TrialCurve;
using tunelab::TrialState;

constexpr int kEpochs = 27;

// A learning curve falling from `start` towards `start / 2`, with a small
// wiggle so that no two trials tie.
std::vector<double> curve(double start, int number) {
  std::vector<double> losses;
  for (int e = 1; e <= kEpochs; ++e)
    losses.push_back(start * (0.5 + 0.5 / e) + 1e-3 * ((number * 7 + e) % 5));
  return losses;
}

// A study of one objective: each epoch's value is the loss alone.
std::vector<EpochValues> one_value(const std::vector<double>& losses) {
  std::vector<EpochValues> out;
  for (const double loss : losses) out.push_back({loss});
  return out;
}

// `count` complete trials whose losses start between 1 and 2.
std::vector<TrialCurve> history(int count) {
  std::vector<TrialCurve> trials;
  for (int n = 0; n < count; ++n) {
    const double start = 1.0 + static_cast<double>(n % 10) / 10;
    trials.push_back({n, TrialState::complete, one_value(curve(start, n))});
  }
  return trials;
}

std::unique_ptr<tunelab::Pruner> pruner(const std::string& name, const nlohmann::json& args = {}) {
  return tunelab::test::builtins().pruners.factory(name)(args.is_null() ? nlohmann::json::object()
                                                                        : args);
}

// The epoch at which trial `number` with `values` per epoch is pruned, or 0.
int pruned_at(tunelab::Pruner& p, int number, const std::vector<EpochValues>& values,
              const std::vector<TrialCurve>& finished) {
  for (int e = 1; e <= static_cast<int>(values.size()); ++e)
    if (p.should_prune(number, e, values[static_cast<std::size_t>(e - 1)], finished)) return e;
  return 0;
}

int pruned_at(tunelab::Pruner& p, int number, const std::vector<double>& losses,
              const std::vector<TrialCurve>& finished) {
  return pruned_at(p, number, one_value(losses), finished);
}

}  // namespace

TEST_SUITE("pruners") {
  TEST_CASE("every pruner stops a clearly worse trial and keeps a clearly better one") {
    const auto finished = history(30);
    for (const char* name : {"median", "percentile", "successive_halving", "hyperband"}) {
      CAPTURE(name);
      const int worse = pruned_at(*pruner(name), 30, curve(10.0, 30), finished);
      CHECK(worse > 0);
      CHECK(worse < kEpochs);
      CHECK(pruned_at(*pruner(name), 31, curve(0.2, 31), finished) == 0);
    }
  }

  TEST_CASE("median: nothing is pruned during the start-up trials and warm-up epochs") {
    CHECK(pruned_at(*pruner("median"), 4, curve(10.0, 4), history(4)) == 0);
    CHECK(pruned_at(*pruner("median"), 5, curve(10.0, 5), history(5)) == 1);
    CHECK(pruned_at(*pruner("median", {{"warmup_epochs", 5}}), 5, curve(10.0, 5), history(5)) == 6);
    CHECK(pruned_at(*pruner("median", {{"startup_trials", 0}}), 0, curve(10.0, 0), {}) == 0);
    // The median of 1.0 .. 1.9 at epoch 1 is about 1.45: a trial at 1.2 goes on.
    CHECK(pruned_at(*pruner("median"), 10, curve(1.2, 10), history(10)) == 0);
    CHECK(pruned_at(*pruner("median"), 10, curve(1.8, 10), history(10)) == 1);
  }

  TEST_CASE("percentile: only trials worse than that percentile stop / 50 is the median") {
    // At epoch 1 the ten trials start at 1.0 .. 1.9: the 75th percentile is
    // 1.675 (interpolated between ranks, as numpy and Optuna do).
    CHECK(pruned_at(*pruner("percentile"), 10, curve(1.6, 10), history(10)) == 0);
    CHECK(pruned_at(*pruner("percentile"), 10, curve(1.7, 10), history(10)) == 1);
    CHECK(pruned_at(*pruner("median"), 10, curve(1.6, 10), history(10)) == 1);
    CHECK(pruned_at(*pruner("percentile", {{"percentile", 90}}), 10, curve(1.7, 10), history(10)) ==
          0);
    for (const double start : {1.2, 1.4, 1.5, 1.8}) {
      INFO("start " << start);
      CHECK(pruned_at(*pruner("percentile", {{"percentile", 50}}), 10, curve(start, 10),
                      history(10)) ==
            pruned_at(*pruner("median"), 10, curve(start, 10), history(10)));
    }
  }

  TEST_CASE("successive halving prunes only at its rungs, min_resource * eta^k epochs") {
    const auto finished = history(30);
    CHECK(pruned_at(*pruner("successive_halving"), 30, curve(10.0, 30), finished) == 1);
    CHECK(pruned_at(*pruner("successive_halving", {{"min_resource", 2}}), 30, curve(10.0, 30),
                    finished) == 2);
    CHECK(pruned_at(*pruner("successive_halving", {{"min_resource", 2}, {"reduction_factor", 2}}),
                    30, curve(10.0, 30), finished) == 2);
    CHECK(pruned_at(*pruner("successive_halving", {{"min_early_stopping_rate", 2}}), 30,
                    curve(10.0, 30), finished) == 9);
    // In the top third of 30 at rung 1 (epoch 1): promoted, then in the top
    // third again at epochs 3, 9 and 27.
    CHECK(pruned_at(*pruner("successive_halving"), 30, curve(1.05, 30), finished) == 0);
    // In the middle: pruned at the first rung.
    CHECK(pruned_at(*pruner("successive_halving"), 30, curve(1.5, 30), finished) == 1);
  }

  TEST_CASE("hyperband spreads trials over brackets that start pruning at different epochs") {
    const auto finished = history(60);
    std::set<int> first_prunes;
    for (int n = 60; n < 120; ++n)
      first_prunes.insert(pruned_at(*pruner("hyperband"), n, curve(10.0, n), finished));
    // 27 epochs, eta 3: brackets pruning first at epochs 1, 3, 9 and 27.
    CHECK(first_prunes == std::set<int>{1, 3, 9, 27});
    // Before any trial completed, "auto" cannot size the brackets: no pruning.
    CHECK(pruned_at(*pruner("hyperband"), 0, curve(10.0, 0), {}) == 0);
    CHECK(pruned_at(*pruner("hyperband", {{"max_resource", 27}}), 0, curve(10.0, 0), {}) == 0);
  }

  TEST_CASE("with several objectives a trial stops only when enough trials dominate it") {
    // Thirty trials trading loss against size: the better the loss, the
    // larger (three of each loss from 1.0 to 1.9, and size from 1000 to 100).
    std::vector<TrialCurve> finished;
    for (int n = 0; n < 30; ++n) {
      TrialCurve t{n, TrialState::complete, {}};
      const int step = n % 10;
      for (const double loss : curve(1.0 + step / 10.0, n))
        t.epochs.push_back({loss, 1000.0 - 100 * step});
      finished.push_back(t);
    }
    const auto trial = [](double start, double size) {
      std::vector<EpochValues> values;
      for (const double loss : curve(start, 30)) values.push_back({loss, size});
      return values;
    };
    for (const char* name : {"median", "percentile", "successive_halving", "hyperband"}) {
      CAPTURE(name);
      // Worst loss but the smallest model: on the front, never stopped.
      CHECK(pruned_at(*pruner(name), 30, trial(10.0, 50), finished) == 0);
      // Worse and larger than every trial: stopped.
      CHECK(pruned_at(*pruner(name), 30, trial(10.0, 2000), finished) > 0);
      // Between two trials on both: part of the trade-off, not stopped.
      CHECK(pruned_at(*pruner(name), 30, trial(1.45, 550), finished) == 0);
    }
    // Dominated by 18 of the 30 (losses 1.2 to 1.7, sizes 800 to 300): more
    // than half, not more than 75 %, and more than the best third.
    CHECK(pruned_at(*pruner("median"), 30, trial(1.8, 850), finished) == 1);
    CHECK(pruned_at(*pruner("percentile"), 30, trial(1.8, 850), finished) == 0);
    CHECK(pruned_at(*pruner("successive_halving"), 30, trial(1.8, 850), finished) == 1);
  }

  TEST_CASE("what a pruner compares: each objective's curve, or the one named") {
    using tunelab::Direction;
    using tunelab::EpochLosses;
    using tunelab::Objective;
    using tunelab::PruningCurves;
    const std::vector<EpochLosses> epochs = {{2.0, 3.0, 0.5}, {1.0, 2.5, 0.25}};
    // One objective: the validation loss, whatever the metric.
    CHECK(PruningCurves({{"val_r2", Direction::maximize}}, "").at(epochs.back(), 0.75, 99) ==
          EpochValues{2.5});
    CHECK(PruningCurves().at(epochs.back(), 0.75, 99) == EpochValues{2.5});
    // Several: each curve as a loss; n_params the model's size, train_seconds
    // the time so far.
    const std::vector<Objective> three = {{"val_accuracy", Direction::maximize},
                                          {"n_params", Direction::minimize},
                                          {"train_seconds", Direction::minimize}};
    CHECK(PruningCurves(three, "").at(epochs.back(), 0.75, 99) == EpochValues{2.5, 99, 0.75});
    CHECK(PruningCurves(three, "n_params").at(epochs.back(), 0.75, 99) == EpochValues{99});
    CHECK(PruningCurves({{"train_loss", Direction::maximize}}, "train_loss")
              .at(epochs.back(), 0.75, 0) == EpochValues{-1.0});
    // A finished trial's size is its recorded n_params value.
    tunelab::FinishedTrial done{3, TrialState::pruned, {}, 0.9, epochs, {0.9, 1234, 0.75}, {}};
    const auto curves = PruningCurves(three, "").of({done});
    REQUIRE(curves.size() == 1);
    CHECK(curves[0].number == 3);
    CHECK(curves[0].state == TrialState::pruned);
    CHECK(curves[0].epochs == std::vector<EpochValues>{{3.0, 1234, 0.5}, {2.5, 1234, 0.75}});
    CHECK(PruningCurves(three, "").needs_parameter_count());
    CHECK_FALSE(PruningCurves(three, "val_accuracy").needs_parameter_count());

    const std::vector<Objective> timed = {{"val_rmse", Direction::minimize},
                                          {"predict_ms_per_1k_rows", Direction::minimize}};
    CHECK_THROWS_WITH_AS(PruningCurves(timed, ""),
                         doctest::Contains("name the one to prune by (objective: val_rmse)"),
                         tunelab::ConfigError);
    CHECK_NOTHROW(PruningCurves(timed, "val_rmse"));
    CHECK_THROWS_WITH_AS(PruningCurves(timed, "predict_ms_per_1k_rows"),
                         doctest::Contains("measured once a trial has trained"),
                         tunelab::ConfigError);
    CHECK_THROWS_WITH_AS(PruningCurves(timed, "val_rmsee"),
                         doctest::Contains("did you mean 'val_rmse'?"), tunelab::ConfigError);
  }

  TEST_CASE("pruner arguments are checked") {
    CHECK_THROWS_AS(pruner("median", {{"warmup", 3}}), tunelab::ConfigError);
    CHECK_THROWS_AS(pruner("median", {{"interval", 0}}), tunelab::ConfigError);
    CHECK_THROWS_AS(pruner("median", {{"percentile", 60}}), tunelab::ConfigError);
    CHECK_THROWS_WITH_AS(pruner("percentile", {{"percentile", 120}}),
                         "must be in [0, 100], got 120", tunelab::ConfigError);
    CHECK_THROWS_AS(pruner("successive_halving", {{"reduction_factor", 1}}), tunelab::ConfigError);
    CHECK_THROWS_AS(pruner("hyperband", {{"min_resource", 0}}), tunelab::ConfigError);
    CHECK_THROWS_AS(pruner("hyperband", {{"max_resource", "lots"}}), tunelab::ConfigError);
  }
}

TEST_SUITE("pruners") {
  TEST_CASE("a study with the median pruner stores pruned trials with the epochs they ran") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.trials=12 --set trainer.epochs=12 "
        "--set 'search.pruner={name: median, startup_trials: 3}' --quiet" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto trials = tunelab::test::json_of("export quickstart --format json" + storage);
    int pruned = 0;
    for (const auto& t : trials) {
      if (t["state"] != "PRUNED") continue;
      ++pruned;
      CHECK(t["epochs_run"].get<int>() < 12);
      CHECK(t["number"].get<int>() >= 3);  // not among the start-up trials
    }
    CHECK(pruned > 0);
  }
}
