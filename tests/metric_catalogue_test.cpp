// The metric catalogue is the one place a metric's meaning lives: what the
// training computes, the directions and the pruners' curves agree with it.

#include <doctest/doctest.h>
#include <torch/torch.h>

#include <set>

#include "common/errors.h"
#include "common/metric_catalogue.h"
#include "search/direction.h"
#include "search/pruning_curves.h"
#include "train/metrics.h"

namespace {

// The measures the catalogue lists for `task`, on `split`.
std::set<std::string> catalogued(tunelab::MetricTask task, tunelab::MetricSplit split) {
  std::set<std::string> out;
  for (const auto& m : tunelab::metric_catalogue())
    if (m.task == task && m.split == split) out.insert(m.measure);
  return out;
}

template <typename Map>
std::set<std::string> keys_of(const Map& map) {
  std::set<std::string> out;
  for (const auto& [name, value] : map) out.insert(name);
  return out;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("the catalogue names what training computes, for each task, on val and test rows") {
    const auto predicted = torch::tensor({1.0, 2.0, 3.5}).reshape({3, 1});
    const auto actual = torch::tensor({1.5, 2.0, 3.0}).reshape({3, 1});
    const auto regression = keys_of(tunelab::regression_metrics(predicted, actual));
    const auto probabilities = torch::tensor({0.8, 0.2, 0.3, 0.7, 0.4, 0.6}).reshape({3, 2});
    const auto codes = torch::tensor({0, 1, 1}, torch::kLong).reshape({3, 1});
    const auto classification = keys_of(tunelab::classification_metrics(probabilities, codes));
    for (const auto split : {tunelab::MetricSplit::val, tunelab::MetricSplit::test}) {
      CHECK(catalogued(tunelab::MetricTask::regression, split) == regression);
      CHECK(catalogued(tunelab::MetricTask::classification, split) == classification);
    }
  }

  TEST_CASE("directions, test counterparts and curves come from the catalogue") {
    using tunelab::Direction;
    CHECK(tunelab::natural_direction("val_r2") == Direction::maximize);
    CHECK(tunelab::natural_direction("test_auc") == Direction::maximize);
    CHECK(tunelab::natural_direction("val_logloss") == Direction::minimize);
    CHECK(tunelab::natural_direction("n_params") == Direction::minimize);
    // An objective function's outputs are not training metrics.
    CHECK(tunelab::natural_direction("value") == Direction::minimize);
    CHECK(tunelab::metric_info("value") == nullptr);
    CHECK(tunelab::test_counterpart("val_f1") == "test_f1");
    CHECK(tunelab::test_counterpart("val_loss") == "test_loss");
    CHECK(tunelab::test_counterpart("train_loss").empty());
    // A metric measured once the trial has trained has no curve to prune by.
    const std::vector<tunelab::Objective> objectives = {{"val_rmse", Direction::minimize},
                                                        {"test_rmse", Direction::minimize}};
    CHECK_NOTHROW(tunelab::PruningCurves(objectives, "val_rmse"));
    CHECK_THROWS_WITH_AS(tunelab::PruningCurves(objectives, "test_rmse"),
                         doctest::Contains("test_rmse has no value per epoch to prune by (it is "
                                           "measured once a trial has trained)"),
                         tunelab::ConfigError);
  }
}
