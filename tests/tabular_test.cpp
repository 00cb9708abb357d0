#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <tuple>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "data/csv_table.h"
#include "data/feature_encoding.h"
#include "data/split.h"
#include "data/table_dataset.h"
#include "data/task.h"
#include "model/embedding_front.h"
#include "model/periodic_front.h"
#include "runner/prepare/prepared_data.h"
#include "support.h"
#include "test_paths.h"
#include "train/metrics.h"

namespace {

tunelab::Dataset table_dataset(const std::string& csv, const tunelab::TableColumns& columns) {
  std::istringstream in(csv);
  return tunelab::dataset_from_table(tunelab::parse_csv(in, "t.csv"), columns);
}

bool missing(const torch::Tensor& x, std::int64_t i, std::int64_t j) {
  return std::isnan(x[i][j].item<float>());
}

// Runs two trials of `experiment` with `settings` as study `study`, checks
// that trial `trial` reruns bit for bit, and returns the run's output.
tunelab::test::CommandResult run_and_rerun(const std::string& experiment,
                                           const std::string& settings, const std::string& study,
                                           const std::string& storage, int trial = 1) {
  auto r = tunelab::test::run_tunelab("run " + experiment + " --trials 2 --quiet " + settings +
                                      " --study " + study + storage);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  const auto rerun =
      tunelab::test::run_tunelab("rerun " + study + " " + std::to_string(trial) + storage);
  CHECK_MESSAGE(rerun.output.find("0 (bit-identical)") != std::string::npos, rerun.output);
  return r;
}

}  // namespace

TEST_SUITE("tabular data") {
  TEST_CASE("a table's columns as they come: numbers, words, codes, missing cells, ignored ids") {
    const std::string csv =
        "id,region,charge,stars,churned\n"
        "101,north,10.5,1,no\n"
        "102,,NA,2,yes\n"
        "1e999,south,,3,no\n"  // an id no one reads: not even a finite number
        "104,north,7,n/a,yes\n";
    const auto data = table_dataset(csv, {"churned", {}, {"id"}, {"stars"}, {}});
    REQUIRE(data.feature_names == std::vector<std::string>({"region", "charge", "stars"}));
    REQUIRE(data.columns.size() == 3);
    CHECK(data.columns[0].kind == tunelab::ColumnKind::categorical);
    CHECK(data.columns[0].levels == std::vector<std::string>({"north", "south"}));
    CHECK(data.columns[1].kind == tunelab::ColumnKind::numeric);
    CHECK(data.columns[2].kind == tunelab::ColumnKind::categorical);  // forced: codes
    CHECK(data.columns[2].levels == std::vector<std::string>({"1", "2", "3"}));
    CHECK(data.x[0][1].item<float>() == 10.5F);
    CHECK(missing(data.x, 1, 0));            // empty
    CHECK(missing(data.x, 1, 1));            // NA
    CHECK(missing(data.x, 2, 1));            // empty
    CHECK(missing(data.x, 3, 2));            // n/a
    CHECK(data.x[3][0].item<float>() == 0);  // north
    CHECK(data.classes == std::vector<std::string>({"no", "yes"}));
    CHECK(torch::equal(data.y, torch::tensor({{0.0F}, {1.0F}, {0.0F}, {1.0F}})));
    // Without `ignore` the id column is a feature, and its non-finite cell
    // is the error it always was.
    CHECK_THROWS_WITH_AS(table_dataset(csv, {"churned", {}, {}, {"stars"}, {}}),
                         "t.csv:4:1: column 'id': '1e999' is not a finite number",
                         tunelab::DataError);
    // A marker of one's own: "?" as UCI tables write it.
    const auto uci = table_dataset("a,y\n1,2\n?,3\n", {"y", {}, {}, {}, {"?"}});
    CHECK(uci.columns.empty());  // numeric
    CHECK(missing(uci.x, 1, 0));
  }

  TEST_CASE("task: integer labels become classes / words refuse regression / one class refused") {
    auto labels = table_dataset("a,y\n1,3\n2,1\n3,3\n", {"y", {}, {}, {}, {}});
    CHECK_FALSE(labels.is_classification());
    tunelab::settle_task(labels, tunelab::Task::classification);
    CHECK(labels.classes == std::vector<std::string>({"1", "3"}));
    CHECK(torch::equal(labels.y, torch::tensor({{1.0F}, {0.0F}, {1.0F}})));
    CHECK(tunelab::model_outputs(labels) == 1);  // two classes: one logit

    auto words = table_dataset("a,y\n1,cat\n2,dog\n3,2\n", {"y", {}, {}, {}, {}});
    CHECK(tunelab::model_outputs(words) == 3);
    CHECK_THROWS_WITH_AS(tunelab::settle_task(words, tunelab::Task::regression),
                         "regression needs a numeric target; t.csv:2:2: column 'y': 'cat' is not "
                         "a number",
                         tunelab::ConfigError);
    auto one = table_dataset("a,y\n1,cat\n2,cat\n", {"y", {}, {}, {}, {}});
    CHECK_THROWS_AS(tunelab::settle_task(one, tunelab::Task::automatic), tunelab::ConfigError);
  }

  TEST_CASE("rows without a target are refused at their line, or dropped and counted") {
    const std::string csv = "a,b,y\n1,x,1.5\n2,y,\n3,x,2.5\n4,y,NA\n5,x,3.5\n";
    tunelab::TableColumns columns;
    columns.target = "y";
    try {
      table_dataset(csv, columns);
      FAIL("a missing target was accepted");
    } catch (const tunelab::DataError& e) {
      CHECK(std::string(e.what()).find("t.csv:3:3") != std::string::npos);
      CHECK(std::string(e.what()).find("data.missing_target: drop") != std::string::npos);
    }
    columns.drop_missing_target = true;
    const tunelab::Dataset data = table_dataset(csv, columns);
    REQUIRE(data.rows() == 3);
    CHECK(data.y[1][0].item<float>() == 2.5F);
    CHECK(data.x[2][0].item<float>() == 5.0F);  // the rows after a dropped one move up
    REQUIRE(data.notes.size() == 1);
    CHECK(data.notes[0].find("2 of 5 rows dropped") != std::string::npos);
    CHECK(data.notes[0].find("t.csv:3:3") != std::string::npos);
    // Classes are of the kept rows only; a table of no target at all is refused.
    const tunelab::Dataset labels = table_dataset("a,y\n1,no\n2,\n3,yes\n", columns);
    CHECK(labels.classes == std::vector<std::string>{"no", "yes"});
    CHECK(labels.rows() == 2);
    CHECK_THROWS_AS(table_dataset("a,y\n1,\n2,NA\n", columns), tunelab::DataError);

    // From an experiment file: the run drops them and says so.
    tunelab::test::ScratchDir dir;
    std::string rows = "a,b,y\n";
    for (int i = 0; i < 60; ++i)
      rows +=
          fmt::format("{},{},{}\n", i, i % 3, i % 7 == 0 ? std::string() : std::to_string(i * 2));
    dir.write("t.csv", rows);
    dir.write("e.yaml",
              "name: t\ndata:\n  dataset: csv\n  args: {path: t.csv, target: y}\n"
              "  missing_target: drop\nmodel: {name: linear}\ntrainer: {epochs: 2}\n");
    auto r = tunelab::test::run_tunelab("run " + (dir.path() / "e.yaml").string() + " --storage " +
                                        (dir.path() / "s.db").string());
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK_MESSAGE(
        r.output.find("9 of 60 rows dropped: their target is missing") != std::string::npos,
        r.output);
    dir.write("bad.yaml",
              "name: t\ndata:\n  dataset: csv\n  args: {path: t.csv, target: y}\n"
              "  missing_target: skip\nmodel: {name: linear}\n");
    r = tunelab::test::run_tunelab("validate " + (dir.path() / "bad.yaml").string());
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("bad.yaml:5:19: data.missing_target: expected refuse or drop") !=
                      std::string::npos,
                  r.output);
  }

  TEST_CASE(
      "categorical: all reads every feature as categories, and a 0/1 target's reading is said") {
    tunelab::test::ScratchDir dir;
    std::string rows = "a,b,y\n";
    for (int i = 0; i < 40; ++i) rows += fmt::format("{},{},{}\n", i % 4, i % 5, i % 2);
    dir.write("t.csv", rows);
    dir.write("e.yaml",
              "name: t\ndata:\n  dataset: csv\n  args: {path: t.csv, categorical: all}\n"
              "model: {name: linear}\ntrainer: {epochs: 2}\n");
    auto r = tunelab::test::run_tunelab("validate --columns " + (dir.path() / "e.yaml").string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK_MESSAGE(
        r.output.find("'y' holds 2 whole numbers only (0, 1): read as a regression "
                      "target; for classes, set task: classification") != std::string::npos,
        r.output);
    const auto category_lines = [](const std::string& text) {
      int n = 0;
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);)
        n += (line.rfind("a ", 0) == 0 || line.rfind("b ", 0) == 0) &&
             line.find("categor") != std::string::npos;
      return n;
    };
    CHECK_MESSAGE(category_lines(r.output) == 2, r.output);
    dir.write("c.yaml",
              "name: t\ntask: classification\ndata:\n  dataset: csv\n  args: {path: t.csv}\n"
              "model: {name: linear}\ntrainer: {epochs: 2}\n");
    r = tunelab::test::run_tunelab("validate " + (dir.path() / "c.yaml").string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("whole numbers only") == std::string::npos);
    dir.write("bad.yaml",
              "name: t\ndata:\n  dataset: csv\n  args: {path: t.csv, categorical: some}\n"
              "model: {name: linear}\n");
    r = tunelab::test::run_tunelab("validate " + (dir.path() / "bad.yaml").string());
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("categorical: expected a list of columns, or all, got 'some'") !=
                      std::string::npos,
                  r.output);
  }

  TEST_CASE("a log target trains on the log, and reports and predicts in the target's units") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    for (const char* y : {"true", "false"}) {
      CAPTURE(y);
      const std::string study = std::string("log-") + y;
      auto r = tunelab::test::run_tunelab(
          "run experiments/quickstart.yaml --trials 2 --set trainer.epochs=8 --quiet --set "
          "data.target_transform=log --set data.standardize.y=" +
          std::string(y) + " --study " + study + storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      const auto best = tunelab::test::json_of("best " + study + " --format json" + storage);
      // Disease progression is 25 to 346: an RMSE of the logs would be below 1.
      CHECK(best["test_rmse"].get<double>() > 20);
      CHECK(best["test_rmse"].get<double>() < 150);
      const auto out = dir.path() / (study + ".csv");
      r = tunelab::test::run_tunelab("predict " + study + " --input data/diabetes.csv --output " +
                                     out.string() + storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      std::ifstream in(out);
      std::string line;
      std::getline(in, line);
      double sum = 0;
      int rows = 0;
      while (std::getline(in, line)) {
        const double predicted = std::stod(line.substr(line.rfind(',') + 1));
        CHECK(predicted > 0);
        sum += predicted;
        ++rows;
      }
      CHECK(rows == 442);
      CHECK(sum / rows > 80);
      CHECK(sum / rows < 230);
      r = tunelab::test::run_tunelab("rerun " + study + " " +
                                     std::to_string(best["trial"].get<int>()) + storage);
      CHECK_MESSAGE(r.output.find("0 (bit-identical)") != std::string::npos, r.output);
    }
    const auto r = tunelab::test::run_tunelab(
        "validate experiments/seed_chapter.yaml --set data.target_transform=log");
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(
        r.output.find("data.target_transform: log needs a target above 0") != std::string::npos,
        r.output);
  }

  TEST_CASE("the real tables that come with tunelab load by name, with their tasks") {
    const std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::size_t>> tables = {
        {"diabetes", 442, 10, 0},
        {"breast_cancer", 569, 30, 2},
        {"wine", 178, 13, 3},
        {"diamonds", 53940, 9, 0}};
    for (const auto& [name, rows, features, classes] : tables) {
      CAPTURE(name);
      tunelab::test::ScratchDir dir;
      dir.write("e.yaml", "name: t\ndata: {dataset: " + name +
                              "}\nmodel: {name: linear}\ntrainer: {epochs: 1}\n");
      const tunelab::Experiment e = tunelab::load_experiment(dir.path() / "e.yaml", {});
      const tunelab::Dataset data =
          tunelab::load_dataset(e.config, e.base_dir, tunelab::test::builtins());
      CHECK(data.rows() == rows);
      CHECK(static_cast<std::int64_t>(data.feature_names.size()) == features);
      CHECK(data.classes.size() == classes);
      CHECK(data.notes.empty());
    }
  }

  TEST_CASE("levels and classes have caps, checked before anything is encoded") {
    // 1,200 distinct words in a column, and as many in the target.
    std::string csv = "id,x,y\n";
    for (int i = 0; i < 1200; ++i) csv += fmt::format("u{},{},c{}\n", i, i % 7, i);
    auto ids = table_dataset(csv, {"x", {}, {}, {}, {}});  // x the target: id is a feature
    CHECK_THROWS_WITH_AS(
        tunelab::FeatureEncoding::fit(ids, tunelab::CategoricalEncoding::onehot),
        "column 'id' has 1200 distinct values in the training rows, more than the 1000 levels "
        "one-hot encoding (a column each) takes: data.encoding: embedding learns a few numbers "
        "per level instead; data.args.ignore: [id] leaves the column out (an id or free text?)",
        tunelab::DataError);
    CHECK(tunelab::FeatureEncoding::fit(ids, tunelab::CategoricalEncoding::embedding).width() > 0);
    auto labels = table_dataset(csv, {"y", {}, {"id"}, {}, {}});
    CHECK_THROWS_WITH_AS(tunelab::settle_task(labels, tunelab::Task::automatic),
                         "'y' has 1200 classes, more than the 1000 a classifier here takes (is it "
                         "an id, or free text?)",
                         tunelab::ConfigError);
  }

  TEST_CASE("the encoding is fitted on the training rows: medians, indicators, levels") {
    const float nan = std::nanf("");
    tunelab::Dataset train;
    train.x = torch::tensor({{1.0F, 0.0F}, {nan, 1.0F}, {3.0F, 0.0F}, {10.0F, nan}});
    train.y = torch::zeros({4, 1});
    train.feature_names = {"charge", "plan"};
    train.columns = {{"charge", tunelab::ColumnKind::numeric, {}},
                     {"plan", tunelab::ColumnKind::categorical, {"basic", "plus", "gold"}}};
    const auto encoding = tunelab::FeatureEncoding::fit(train);
    // charge, charge missing, basic, plus, plan missing ("gold" is not in
    // the training rows: no column).
    CHECK(encoding.width() == 5);
    CHECK(encoding.value_columns() == std::vector<bool>({true, false, false, false, false}));
    const auto encoded = encoding.apply(train.x, train.columns);
    CHECK(torch::equal(encoded, torch::tensor({{1.0F, 0.0F, 1.0F, 0.0F, 0.0F},
                                               {3.0F, 1.0F, 0.0F, 1.0F, 0.0F},  // median 3
                                               {3.0F, 0.0F, 1.0F, 0.0F, 0.0F},
                                               {10.0F, 0.0F, 0.0F, 0.0F, 1.0F}})));
    // Rows to predict, coded by their own file's levels: an unseen level
    // ("gold", "platinum") sets none of the plan's columns.
    const std::vector<tunelab::FeatureColumn> file = {
        {"charge", tunelab::ColumnKind::numeric, {}},
        {"plan", tunelab::ColumnKind::categorical, {"gold", "plus", "platinum"}}};
    const auto rows =
        encoding.apply(torch::tensor({{nan, 1.0F}, {2.0F, 0.0F}, {4.0F, 2.0F}}), file);
    CHECK(torch::equal(rows, torch::tensor({{3.0F, 1.0F, 0.0F, 1.0F, 0.0F},
                                            {2.0F, 0.0F, 0.0F, 0.0F, 0.0F},
                                            {4.0F, 0.0F, 0.0F, 0.0F, 0.0F}})));
    // It travels with the weights as JSON and comes back the same.
    const auto back = tunelab::FeatureEncoding::from_json(encoding.to_json());
    CHECK(torch::equal(back.apply(train.x, train.columns), encoded));
  }

  TEST_CASE("standardisation after encoding scales the numeric columns only") {
    tunelab::Dataset data;
    data.x = torch::tensor({{1.0F, 0.0F}, {2.0F, 1.0F}, {3.0F, 0.0F}, {4.0F, 1.0F}});
    data.y = torch::zeros({4, 1});
    data.feature_names = {"n", "c"};
    data.columns = {{"n", tunelab::ColumnKind::numeric, {}},
                    {"c", tunelab::ColumnKind::categorical, {"a", "b"}}};
    data.classes = {"no", "yes"};
    tunelab::Splits splits{data, data, data};
    const auto scaling = tunelab::prepare_features(splits, true, true);
    CHECK(splits.train.x.size(1) == 3);
    CHECK(splits.train.x.select(1, 0).mean().item<float>() == doctest::Approx(0));
    CHECK(torch::equal(splits.train.x.slice(1, 1, 3),
                       torch::tensor({{1.0F, 0.0F}, {0.0F, 1.0F}, {1.0F, 0.0F}, {0.0F, 1.0F}})));
    CHECK_FALSE(scaling.y);  // class codes are not scaled
  }

  TEST_CASE("robust scaling centres on medians, and smooth clipping bounds far values") {
    tunelab::Dataset data;
    data.x =
        torch::tensor({{1.0F, 0.0F}, {2.0F, 1.0F}, {3.0F, 0.0F}, {4.0F, 1.0F}, {1000.0F, 0.0F}});
    data.y = torch::zeros({5, 1});
    data.feature_names = {"n", "c"};
    data.columns = {{"n", tunelab::ColumnKind::numeric, {}},
                    {"c", tunelab::ColumnKind::categorical, {"a", "b"}}};
    data.classes = {"no", "yes"};
    tunelab::Splits robust{data, data, data};
    tunelab::prepare_features(robust, true, false, tunelab::CategoricalEncoding::onehot, false,
                              {true, false});
    // Median 3, quartiles 2 and 4: the far value squeezes nothing.
    const auto n = robust.train.x.select(1, 0);
    CHECK(n[2].item<float>() == doctest::Approx(0));
    CHECK(n[3].item<float>() == doctest::Approx(1.349 / 2).epsilon(1e-4));
    tunelab::Splits standard{data, data, data};
    tunelab::prepare_features(standard, true, false);
    CHECK(std::abs(standard.train.x[3][0].item<float>() - standard.train.x[2][0].item<float>()) <
          0.01);  // squeezed together by the one far value

    tunelab::Splits clipped{data, data, data};
    const auto scaling = tunelab::prepare_features(
        clipped, true, false, tunelab::CategoricalEncoding::onehot, false, {true, true});
    const auto c = clipped.train.x.select(1, 0);
    CHECK(c[4].item<float>() < 3);  // 1000 lands just below 3
    CHECK(c[4].item<float>() > 2.9);
    CHECK(c[3].item<float>() ==
          doctest::Approx(0.6745 / std::sqrt(1 + 0.6745 * 0.6745 / 9)).epsilon(1e-3));
    // One-hot columns stay 0/1.
    CHECK(torch::equal(clipped.train.x.slice(1, 1, 3), standard.train.x.slice(1, 1, 3)));
    // A row to predict is scaled as the training rows were.
    CHECK(torch::allclose(scaling.x->apply(torch::tensor({{4.0F, 0.0F, 1.0F}})).select(1, 0),
                          c.slice(0, 3, 4)));
  }

  TEST_CASE("robust scaling and smooth clipping in a study: reproduced, predicted, refused alone") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r = run_and_rerun("experiments/quickstart.yaml",
                           "--set trainer.epochs=5 --set data.scaling=robust --set "
                           "data.smooth_clip=true",
                           "robust", storage);
    r = tunelab::test::run_tunelab("predict robust --input data/diabetes.csv --output " +
                                   (dir.path() / "p.csv").string() + storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    r = tunelab::test::run_tunelab(
        "validate experiments/quickstart.yaml --set data.scaling=robust --set "
        "data.standardize.x=false");
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("data.scaling: scales the features only with standardize: {x: "
                                "true}") != std::string::npos,
                  r.output);
    r = tunelab::test::run_tunelab(
        "validate experiments/quickstart.yaml --set data.scaling=minmax");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("expected standard, robust or quantile, got 'minmax'") !=
          std::string::npos);
  }

  TEST_CASE("the PLR front embeds each numeric column periodically and passes the others") {
    torch::manual_seed(3);
    tunelab::PeriodicFront front(3, std::vector<std::int64_t>{0, 2},
                                 tunelab::PeriodicOptions{4, 5, 0.5});
    CHECK(front->outputs() == 1 + 2 * 5);
    const auto x = torch::tensor({{0.3F, 1.0F, -0.2F}, {0.3F, 0.0F, 0.9F}});
    const auto y = front->forward(x);
    REQUIRE(y.sizes() == torch::IntArrayRef({2, 11}));
    // The passed column first, as it came.
    CHECK(torch::equal(y.select(1, 0), x.select(1, 1)));
    // Column 0 holds the same value in both rows: the same embedding; column
    // 2 differs: another.
    CHECK(torch::allclose(y[0].slice(0, 1, 6), y[1].slice(0, 1, 6)));
    CHECK_FALSE(torch::allclose(y[0].slice(0, 6, 11), y[1].slice(0, 6, 11)));
    // Periodic in each frequency: shifting a value by 1 / c for a front of
    // one frequency c leaves its embedding as it was.
    torch::manual_seed(3);
    tunelab::PeriodicFront one(1, std::vector<std::int64_t>{0},
                               tunelab::PeriodicOptions{1, 3, 1.0});
    const double c = one->named_parameters()["frequencies"].item<double>();
    const auto a = one->forward(torch::tensor({{0.25F}}));
    const auto b = one->forward(torch::tensor({{static_cast<float>(0.25 + 1.0 / c)}}));
    CHECK(torch::allclose(a, b, 1e-4, 1e-4));
    // The same seed, the same front.
    torch::manual_seed(3);
    tunelab::PeriodicFront again(3, std::vector<std::int64_t>{0, 2},
                                 tunelab::PeriodicOptions{4, 5, 0.5});
    CHECK(torch::equal(again->forward(x), y));
  }

  TEST_CASE("numeric embeddings in a study: with categorical embeddings, reproduced, predicted") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r = run_and_rerun("experiments/churn.yaml",
                           "--set trainer.epochs=4 --set data.encoding=embedding --set "
                           "data.numeric_embedding=plr --set data.plr_width=8",
                           "plr", storage);
    r = tunelab::test::run_tunelab("predict plr --input data/churn.csv --output " +
                                   (dir.path() / "p.csv").string() + storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("log loss on 1200 rows with targets") != std::string::npos);
    // Three numeric columns of width 8, one 0/1 column, three categories of 4.
    r = tunelab::test::run_tunelab(
        "model experiments/churn.yaml --set data.encoding=embedding --set "
        "data.numeric_embedding=plr --set data.plr_width=8");
    CHECK_MESSAGE(r.output.find("PeriodicFront(columns=3, frequencies=48, width=8, sigma=0.1)") !=
                      std::string::npos,
                  r.output);
    CHECK(r.output.find("Linear(in_features=37,") != std::string::npos);

    // The linear path beside the network reads what the fronts hand on too,
    // and a study with it reruns bit for bit.
    r = tunelab::test::run_tunelab(
        "model experiments/churn.yaml --set data.encoding=embedding --set "
        "data.numeric_embedding=plr --set data.plr_width=8 --set model.linear_skip=true");
    CHECK_MESSAGE(r.output.find("LinearSkip(in_features=37, out_features=1)") != std::string::npos,
                  r.output);
    run_and_rerun("experiments/churn.yaml", "--set trainer.epochs=4 --set model.linear_skip=true",
                  "skip", storage, 0);

    // Refused: no numeric column to embed, and PLR options without PLR.
    dir.write("w.csv", "a,b,y\nx,p,1\ny,q,2\nx,q,3\ny,p,4\nx,p,5\n");
    dir.write("w.yaml",
              "name: w\ndata:\n  dataset: csv\n  args: {path: w.csv}\n  split: {train: 0.6, "
              "val: 0.4, test: 0}\n  numeric_embedding: plr\nmodel: {name: linear}\n"
              "trainer: {epochs: 2}\n");
    r = tunelab::test::run_tunelab("validate " + (dir.path() / "w.yaml").string());
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("w.yaml:6:22: data.numeric_embedding: plr embeds numeric columns, "
                                "and this data set has none") != std::string::npos,
                  r.output);
    r = tunelab::test::run_tunelab("validate experiments/quickstart.yaml --set data.plr_width=4");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("data.plr_width: is for numeric_embedding: plr") != std::string::npos);
  }

  TEST_CASE("quantile scaling maps numeric columns onto a normal as scikit-learn's does") {
    tunelab::Dataset data;
    std::vector<float> values;
    for (int i = 0; i < 300; ++i) values.push_back(static_cast<float>(std::exp(2 * std::sin(i))));
    values.insert(values.end(), 50, 2.0F);  // a value many rows share
    const auto n = static_cast<std::int64_t>(values.size());
    data.x = torch::stack({torch::tensor(values), (torch::arange(n) % 2).to(torch::kFloat32)}, 1);
    data.y = torch::zeros({n, 1});
    data.feature_names = {"n", "c"};
    data.columns = {{"n", tunelab::ColumnKind::numeric, {}},
                    {"c", tunelab::ColumnKind::categorical, {"a", "b"}}};
    data.classes = {"no", "yes"};
    tunelab::Splits splits{data, data, data};
    const auto scaling =
        tunelab::prepare_features(splits, true, false, tunelab::CategoricalEncoding::onehot, false,
                                  {false, false, true, 100});
    // QuantileTransformer(n_quantiles=100, output_distribution="normal")
    // fitted on the same column gives these for -1, 0.5, 2, 3 and 100
    // (scikit-learn 1.2): the ends beyond the training range, and 2, which
    // 50 extra rows share, at the middle of its run of quantiles.
    const auto mapped = scaling.x->apply(torch::tensor({{-1.0F, 1.0F, 0.0F},
                                                        {0.5F, 0.0F, 1.0F},
                                                        {2.0F, 1.0F, 0.0F},
                                                        {3.0F, 0.0F, 1.0F},
                                                        {100.0F, 1.0F, 0.0F}}));
    const std::vector<double> expected = {-5.1993375, -0.44616228, 0.22988404, 0.60624593,
                                          5.1993375};
    for (std::size_t i = 0; i < expected.size(); ++i)
      CHECK(mapped[static_cast<std::int64_t>(i)][0].item<double>() ==
            doctest::Approx(expected[i]).epsilon(1e-4));
    // One-hot columns keep their 0/1; the training rows centre on 0.
    CHECK(torch::equal(
        mapped.slice(1, 1, 3),
        torch::tensor({{1.0F, 0.0F}, {0.0F, 1.0F}, {1.0F, 0.0F}, {0.0F, 1.0F}, {1.0F, 0.0F}})));
    CHECK(std::abs(splits.train.x.select(1, 0).median().item<float>()) < 0.05);
  }

  TEST_CASE("quantile scaling in a study: reproduced, predicted, too many quantiles refused") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r =
        run_and_rerun("experiments/quickstart.yaml",
                      "--set trainer.epochs=5 --set data.scaling=quantile", "quantile", storage);
    // predict applies the kept quantiles: on the test rows, the stored loss.
    const auto best = tunelab::test::json_of("best quantile --format json" + storage);
    const auto rows = dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
    r = tunelab::test::run_tunelab("predict quantile --input " + rows.string() + " --output " +
                                   (dir.path() / "p.csv").string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(tunelab::test::predicted_loss(r.output, 89) ==
          doctest::Approx(best["test_loss"].get<double>()).epsilon(1e-5));
    r = tunelab::test::run_tunelab(
        "validate experiments/quickstart.yaml --set data.scaling=quantile --set "
        "data.quantiles=1000");
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("data.quantiles: is 1000, more than the 265 training rows") !=
                      std::string::npos,
                  r.output);
    r = tunelab::test::run_tunelab("validate experiments/quickstart.yaml --set data.quantiles=10");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("data.quantiles: is for scaling: quantile") != std::string::npos);
  }

  TEST_CASE("classification splits keep each class's share in every split") {
    tunelab::Dataset data;
    data.x = torch::arange(200, torch::kFloat32).view({200, 1});
    data.y = (torch::arange(200) % 5 == 0).to(torch::kFloat32).view({200, 1});  // 20 % "yes"
    data.classes = {"no", "yes"};
    const auto splits = tunelab::split_dataset(data, {0.6, 0.2, 0.2}, 11);
    CHECK(splits.train.rows() + splits.val.rows() + splits.test.rows() == 200);
    CHECK(splits.train.y.sum().item<float>() == 24);
    CHECK(splits.val.y.sum().item<float>() == 8);
    CHECK(splits.test.y.sum().item<float>() == 8);
    // Another seed: other rows, the same shares.
    const auto other = tunelab::split_dataset(data, {0.6, 0.2, 0.2}, 12);
    CHECK_FALSE(torch::equal(other.train.x, splits.train.x));
    CHECK(other.val.y.sum().item<float>() == 8);
  }

  TEST_CASE("metrics agree with scikit-learn's") {
    const auto p = torch::tensor(
        {{0.9F, 0.1F}, {0.4F, 0.6F}, {0.35F, 0.65F}, {0.2F, 0.8F}, {0.7F, 0.3F}, {0.5F, 0.5F}});
    const auto y = torch::tensor({{0.0F}, {0.0F}, {1.0F}, {1.0F}, {1.0F}, {0.0F}});
    const auto binary = tunelab::classification_metrics(p, y);
    const auto multi_p = torch::tensor(
        {{0.7F, 0.2F, 0.1F}, {0.1F, 0.8F, 0.1F}, {0.3F, 0.3F, 0.4F}, {0.2F, 0.5F, 0.3F}});
    const auto multi_y = torch::tensor({{0.0F}, {1.0F}, {2.0F}, {2.0F}});
    const auto multi = tunelab::classification_metrics(multi_p, multi_y);
    const auto regression = tunelab::regression_metrics(torch::tensor({{1.0F}, {2.5F}, {2.0F}}),
                                                        torch::tensor({{1.5F}, {2.0F}, {3.0F}}));
    // By the definitions: positives score .65, .8, .3 and negatives .1, .6,
    // .5, so 7 of the 9 pairs are ordered right; the 0.5/0.5 row goes to the
    // first class; 2 true positives, 1 false positive, 1 false negative.
    CHECK(binary.at("auc") == doctest::Approx(7.0 / 9));
    CHECK(binary.at("accuracy") == doctest::Approx(4.0 / 6));
    CHECK(binary.at("f1") == doctest::Approx(2.0 * 2 / (2 * 2 + 1 + 1)));
    CHECK(regression.at("mae") == doctest::Approx((0.5 + 0.5 + 1.0) / 3));
    if (tunelab::test::run_shell("/usr/bin/python3 -c 'import sklearn' 2>/dev/null").exit_status !=
        0) {
      MESSAGE("python3-sklearn is not installed: the metrics were not compared with its own");
      return;
    }
    const auto r = tunelab::test::run_shell(
        "/usr/bin/python3 -c '\n"
        "from sklearn import metrics as m\n"
        "import numpy as np\n"
        "p=np.array([[.9,.1],[.4,.6],[.35,.65],[.2,.8],[.7,.3],[.5,.5]]); y=[0,0,1,1,1,0]\n"
        "print(m.accuracy_score(y,p.argmax(1)), m.log_loss(y,p), m.roc_auc_score(y,p[:,1]), "
        "m.f1_score(y,p.argmax(1)))\n"
        "q=np.array([[.7,.2,.1],[.1,.8,.1],[.3,.3,.4],[.2,.5,.3]]); z=[0,1,2,2]\n"
        "print(m.accuracy_score(z,q.argmax(1)), m.log_loss(z,q), "
        "m.roc_auc_score(z,q,multi_class=\"ovr\",average=\"macro\"))\n"
        "a=[1.5,2,3]; b=[1,2.5,2]\n"
        "print(m.mean_squared_error(a,b)**.5, m.mean_absolute_error(a,b), m.r2_score(a,b))\n"
        "'");
    REQUIRE(r.exit_status == 0);
    std::istringstream sk(r.output);
    double acc, ll, auc, f1, macc, mll, mauc, rmse, mae, r2;
    sk >> acc >> ll >> auc >> f1 >> macc >> mll >> mauc >> rmse >> mae >> r2;
    CHECK(binary.at("accuracy") == doctest::Approx(acc));
    CHECK(binary.at("logloss") == doctest::Approx(ll).epsilon(1e-6));
    CHECK(binary.at("auc") == doctest::Approx(auc));
    CHECK(binary.at("f1") == doctest::Approx(f1));
    CHECK(multi.at("accuracy") == doctest::Approx(macc));
    CHECK(multi.at("logloss") == doctest::Approx(mll).epsilon(1e-6));
    CHECK(multi.at("auc") == doctest::Approx(mauc));
    CHECK(multi.count("f1") == 0);
    CHECK(regression.at("rmse") == doctest::Approx(rmse));
    CHECK(regression.at("mae") == doctest::Approx(mae));
    CHECK(regression.at("r2") == doctest::Approx(r2));
  }

  TEST_CASE("a churn table: classification study, cross-validated, reproduced, predicted") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "c.db").string();
    const std::string run =
        "run experiments/churn.yaml --quiet --trials 2 --set trainer.epochs=5 --set "
        "data.folds=3 --storage " +
        db;
    auto r = tunelab::test::run_tunelab(run);
    INFO(r.output);
    REQUIRE(r.exit_status == 0);
    CHECK(r.output.find("churn: recorded") == std::string::npos);  // a study: 2 trials
    r = tunelab::test::run_tunelab(run + " --study again");
    REQUIRE(r.exit_status == 0);
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT group_concat(value, ' ') FROM (SELECT value FROM trials t JOIN "
                       "studies s USING (study_id) WHERE s.name = 'churn' ORDER BY number)")
              .getString() ==
          d.execAndGet("SELECT group_concat(value, ' ') FROM (SELECT value FROM trials t JOIN "
                       "studies s USING (study_id) WHERE s.name = 'again' ORDER BY number)")
              .getString());
    // Rows to predict: a region never seen, a plan never seen, missing
    // cells, a satisfaction code never seen, and no label column at all.
    dir.write("new.csv",
              "customer_id,region,plan,tenure_months,monthly_charge,support_calls,satisfaction\n"
              "N1,north,basic,3,30,7,1\n"
              "N2,mars,gold,40,NA,0,5\n"
              "N3,,premium,12,,2,9\n");
    r = tunelab::test::run_tunelab("predict churn --input " + (dir.path() / "new.csv").string() +
                                   " --storage " + db);
    REQUIRE(r.exit_status == 0);
    // What the model never saw is said (on standard error, first here).
    CHECK(r.output.find("note: column 'region': 1 value the model never saw in training (mars): "
                        "those rows read none of its levels\n") != std::string::npos);
    CHECK(r.output.find("note: column 'satisfaction': 1 value the model never saw in training "
                        "(9)") != std::string::npos);
    std::string predicted;
    for (const auto& line : tunelab::test::lines_of(r.output))
      if (line.rfind("note: ", 0) != 0) predicted += line + "\n";
    std::istringstream lines(predicted);
    std::string header, row;
    std::getline(lines, header);
    CHECK(header ==
          "customer_id,region,plan,tenure_months,monthly_charge,support_calls,satisfaction,"
          "predicted_churned,probability_no,probability_yes");
    int rows = 0;
    while (std::getline(lines, row)) {
      ++rows;
      // The row copied through, a label, two probabilities summing to 1.
      CHECK(row.rfind(fmt::format("N{},", rows), 0) == 0);
      const auto cut = row.find(",no,") != std::string::npos ? row.find(",no,") : row.find(",yes,");
      REQUIRE(cut != std::string::npos);
      const auto probabilities = row.substr(row.find(',', cut + 1) + 1);
      const double p_no = std::stod(probabilities);
      const double p_yes = std::stod(probabilities.substr(probabilities.find(',') + 1));
      CHECK(p_no + p_yes == doctest::Approx(1.0).epsilon(1e-5));
    }
    CHECK(rows == 3);
    // With the labels, the metrics of the rows.
    r = tunelab::test::run_tunelab("predict churn --input data/churn.csv --output " +
                                   (dir.path() / "all.csv").string() + " --storage " + db);
    REQUIRE(r.exit_status == 0);
    CHECK(r.output.find("log loss on 1200 rows with targets: ") != std::string::npos);
    CHECK(r.output.find(", accuracy ") != std::string::npos);
    CHECK(r.output.find(", auc ") != std::string::npos);

    // Its own output read again: the predictions are replaced, not doubled.
    r = tunelab::test::run_tunelab("predict churn --input " + (dir.path() / "all.csv").string() +
                                   " --output " + (dir.path() / "again.csv").string() +
                                   " --storage " + db);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("note: --input's column 'predicted_churned' is replaced") !=
          std::string::npos);
    std::ifstream again(dir.path() / "again.csv");
    std::string again_header;
    std::getline(again, again_header);
    CHECK(again_header ==
          "customer_id,region,plan,tenure_months,monthly_charge,support_calls,satisfaction,"
          "churned,predicted_churned,probability_no,probability_yes");
    // Codes written as decimals are the same levels: the same predictions.
    std::ifstream original(std::string(tunelab::test::kSourceDir) + "/data/churn.csv");
    std::string text((std::istreambuf_iterator<char>(original)), {}), decimals;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      const auto last = line.rfind(',');
      const auto code = line.rfind(',', last - 1);
      decimals += std::isdigit(static_cast<unsigned char>(line[code + 1]))
                      ? line.substr(0, last) + ".0" + line.substr(last) + "\n"
                      : line + "\n";
    }
    dir.write("decimals.csv", decimals);
    const auto with_decimals = tunelab::test::run_tunelab(
        "predict churn --input " + (dir.path() / "decimals.csv").string() + " --output " +
        (dir.path() / "decimals-out.csv").string() + " --storage " + db);
    CHECK_MESSAGE(with_decimals.exit_status == 0, with_decimals.output);
    CHECK(with_decimals.output.find("never saw") == std::string::npos);
    const auto metrics_of = [](const std::string& output) {
      const auto from = output.find("log loss on");
      return from == std::string::npos ? output
                                       : output.substr(from, output.find('\n', from) - from);
    };
    CHECK(metrics_of(with_decimals.output) == metrics_of(r.output));
  }

  TEST_CASE("regression metrics are in the target's own units, beside the standardised loss") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "q.db").string();
    REQUIRE(tunelab::test::run_tunelab("run experiments/quickstart.yaml --quiet --trials 2 --set "
                                       "trainer.epochs=8" +
                                       storage)
                .exit_status == 0);
    const auto best = tunelab::test::json_of("best quickstart --format json" + storage);
    // standardize.y: the loss is in units of the training rows' standard
    // deviation s, the metrics in the target's: rmse² = loss · s², the same
    // s on the validation and the test rows.
    const double val = best["val_rmse"].get<double>(), test = best["test_rmse"].get<double>();
    const double s_val = val * val / best["val_loss"].get<double>();
    const double s_test = test * test / best["test_loss"].get<double>();
    CHECK(s_val == doctest::Approx(s_test).epsilon(1e-5));
    CHECK(std::sqrt(s_val) > 50);  // the diabetes target's spread, not 1
    CHECK(best["val_mae"].get<double>() < val);
    CHECK(best["val_r2"].get<double>() < 1);
    CHECK(best["direction"] == "minimize");
  }

  TEST_CASE("a metric to maximise: val_auc's best is the highest / everywhere / in Optuna") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "c.db").string();
    const std::string storage = " --storage " + db;
    REQUIRE(tunelab::test::run_tunelab("run experiments/churn.yaml --quiet --trials 5 --set "
                                       "trainer.epochs=6 --set search.metric=val_auc" +
                                       storage)
                .exit_status == 0);
    SQLite::Database d(db);
    const double highest = d.execAndGet("SELECT max(value) FROM trials").getDouble();
    const int highest_number =
        d.execAndGet("SELECT number FROM trials ORDER BY value DESC LIMIT 1").getInt();
    CHECK(d.execAndGet("SELECT value FROM trials ORDER BY value LIMIT 1").getDouble() < highest);
    const auto best = tunelab::test::json_of("best churn --format json" + storage);
    CHECK(best["trial"] == highest_number);
    CHECK(best["direction"] == "maximize");
    CHECK(best["value"].get<double>() == doctest::Approx(best["val_auc"].get<double>()));
    CHECK(best["val_logloss"].get<double>() ==
          doctest::Approx(best["val_loss"].get<double>()).epsilon(1e-5));
    CHECK(d.execAndGet("SELECT number FROM best_trials").getInt() == highest_number);
    CHECK(d.execAndGet("SELECT count(*) FROM metrics WHERE metric = 'test_f1'").getInt() == 5);
    // The best first in the listing, and the best kept for predict.
    const auto top = tunelab::test::run_tunelab("trials churn --top 1 --format csv" + storage);
    CHECK(top.output.find("\n" + std::to_string(highest_number) + ",COMPLETE,") !=
          std::string::npos);
    CHECK(d.execAndGet("SELECT t.number FROM weights JOIN trials t USING (trial_id)").getInt() ==
          highest_number);

    // The report: the metrics beside the winning params, and the confusion
    // matrix of the test rows, whose diagonal is the test accuracy.
    const auto html = (dir.path() / "r.html").string();
    REQUIRE(tunelab::test::run_tunelab("report churn --html " + html + storage).exit_status == 0);
    std::ifstream in(html);
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(page.find("auc (val / test)") != std::string::npos);
    const auto at = page.find("How the best trial classifies");
    REQUIRE(at != std::string::npos);
    std::vector<int> counts;  // the table's numbers, row by row
    const auto end = page.find("</table>", at);
    for (std::size_t cell = page.find("<td", at); cell < end; cell = page.find("<td", cell + 3)) {
      const auto text_at = page.find('>', cell) + 1;
      const std::string text = page.substr(text_at, page.find('<', text_at) - text_at);
      if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0])))
        counts.push_back(std::stoi(text));
    }
    REQUIRE(counts.size() == 4);
    const int rows = counts[0] + counts[1] + counts[2] + counts[3];
    CHECK(rows == 240);  // the test split of 1200 rows
    CHECK(static_cast<double>(counts[0] + counts[3]) / rows ==
          doctest::Approx(best["test_accuracy"].get<double>()));

    if (tunelab::test::run_shell("/usr/bin/python3 -c 'import optuna' 2>/dev/null").exit_status !=
        0) {
      MESSAGE("python3-optuna is not installed: the export was not read back");
      return;
    }
    const auto exported = (dir.path() / "optuna.db").string();
    REQUIRE(tunelab::test::run_tunelab("export churn --optuna " + exported + storage).exit_status ==
            0);
    const auto read = tunelab::test::run_shell(
        "/usr/bin/python3 -c \"import optuna; "
        "optuna.logging.set_verbosity(optuna.logging.WARNING); "
        "s = optuna.load_study(study_name='churn', storage='sqlite:///" +
        exported + "'); print(s.direction.name, s.best_trial.number)\"");
    CHECK(read.output == "MAXIMIZE " + std::to_string(highest_number) + "\n");
  }

  TEST_CASE("metrics that the task does not record, or that do not exist, are refused") {
    auto r = tunelab::test::run_tunelab(
        "validate experiments/quickstart.yaml --set search.metric=val_rmsee");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("search.metric: unknown metric 'val_rmsee' (did you mean 'val_rmse'?)") !=
          std::string::npos);
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.metric=val_accuracy" + storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("search.metric: val_accuracy is a classification metric; 'target' is a "
                        "numeric target") != std::string::npos);
    r = tunelab::test::run_tunelab("run experiments/churn.yaml --set search.metric=test_r2" +
                                   storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("search.metric: test_r2 is a regression metric") != std::string::npos);
    r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.direction=upwards" + storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("search.direction: expected minimize or maximize, got 'upwards'") !=
          std::string::npos);
    // Nothing was created by the refusals.
    CHECK_FALSE(std::filesystem::exists(dir.path() / "s.db"));
  }

  TEST_CASE("undefined metrics are not results: refused before any trial, or the trial fails") {
    tunelab::test::ScratchDir dir;
    // 38 rows of 'a', 2 of 'b'.
    std::string csv = "x,label\n";
    for (int i = 0; i < 40; ++i) csv += fmt::format("{},{}\n", i, i < 38 ? "a" : "b");
    dir.write("rare.csv", csv);
    const auto file = dir.write("rare.yaml", R"(name: rare
seed: 1
data:
  dataset: csv
  args: {path: rare.csv, target: label}
  split: {train: 0.9, val: 0.05, test: 0.05}
model: {name: resnet, num_blocks: [1], c_hidden: [8]}
trainer: {epochs: 2, batch_size: 8}
search: {trials: 2, metric: val_auc}
)");
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    // The held-out rows hold one class: refused with the counts, nothing stored.
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet" + storage);
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("search.metric: val_auc needs rows of two classes among the "
                                "validation rows, which hold one: 'a' 34/2/2, 'b' 2/0/0 "
                                "(train/val/test rows)") != std::string::npos,
                  r.output);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "s.db"));
    // No validation rows at all.
    r = tunelab::test::run_tunelab("run " + file.string() +
                                   " --quiet --set data.split.train=0.99 --set data.split.val=0.01"
                                   " --set data.split.test=0" +
                                   storage);
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("val_auc needs validation rows, and data.split gives 40 train / 0 "
                                "val / 0 test rows") != std::string::npos,
                  r.output);
    // Under folds, two of four folds have no 'b': no mean over the other two.
    r = tunelab::test::run_tunelab("run " + file.string() + " --quiet --set data.folds=4" +
                                   storage);
    CHECK(r.exit_status == 1);
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt() == 0);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'FAIL' AND error LIKE "
                       "'val_auc is undefined for this trial%'")
              .getInt() == 2);
  }

  TEST_CASE("a run without validation rows is judged by its training loss") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab("run experiments/seed_chapter.yaml" + storage);
    REQUIRE(r.exit_status == 0);
    r = tunelab::test::run_tunelab("studies --format csv" + storage);
    CHECK(r.output.find("seed-chapter,1,1,0,0,0,train_loss,") != std::string::npos);
    r = tunelab::test::run_tunelab("best seed-chapter" + storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    // Naming val_loss there is refused.
    r = tunelab::test::run_tunelab(
        "run experiments/seed_chapter.yaml --set search.metric=val_rmse" + storage + "-2");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("val_rmse needs a validation split") != std::string::npos);
  }

  TEST_CASE("a classifier's configuration names the loss it trains with, everywhere") {
    tunelab::test::ScratchDir dir;
    // validate prints the loss that is used, and its arguments go with it.
    auto r = tunelab::test::run_tunelab(
        "validate experiments/churn.yaml --set \"trainer.loss_args={class_weights: [1, 3]}\"");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("  loss: cross_entropy\n") != std::string::npos);
    CHECK(r.output.find("class_weights: [1, 3]") != std::string::npos);
    // So does the stored configuration; resuming with the loss written out
    // is the same study.
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    r = tunelab::test::run_tunelab(
        "run experiments/churn.yaml --quiet --trials 1 --set "
        "trainer.epochs=2" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT json_extract(config_json, '$.trainer.loss') FROM studies")
              .getString() == "cross_entropy");
    r = tunelab::test::run_tunelab(
        "run experiments/churn.yaml --quiet --resume --trials 2 --set "
        "trainer.epochs=2 --set trainer.loss=cross_entropy" +
        storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
  }

  TEST_CASE("class weights that would let a degenerate model win are refused before any trial") {
    for (const auto& [weights, says] : std::vector<std::pair<std::string, std::string>>{
             {"[0, 0]", "class_weights[0]: must be a finite number above 0, got 0"},
             {"[1, 0]", "class_weights[1]: must be a finite number above 0, got 0"},
             {"[1, .inf]", "class_weights[1]: expected a finite number"},
             {"[1, 1.0e+6]", "the largest weight is 1e+06 times the smallest"}}) {
      tunelab::test::ScratchDir dir;
      const auto r = tunelab::test::run_tunelab(
          "run experiments/churn.yaml --quiet --set \"trainer.loss_args={class_weights: " +
          weights + "}\" --storage " + (dir.path() / "s.db").string());
      CHECK_MESSAGE(r.exit_status == 2, weights << ": " << r.output);
      CHECK_MESSAGE(r.output.find(says) != std::string::npos, r.output);
      CHECK_FALSE(std::filesystem::exists(dir.path() / "s.db"));
    }
  }

  TEST_CASE("validate refuses what run refuses: a loss, metric or objective of the other task") {
    tunelab::test::ScratchDir dir;
    std::string csv = "x,kind\n";
    for (int i = 0; i < 60; ++i) csv += fmt::format("{},{}\n", i, "abc"[i % 3]);
    dir.write("three.csv", csv);
    const auto file = dir.write("three.yaml", R"(name: three
data: {dataset: csv, args: {path: three.csv, target: kind}}
model: {name: resnet, num_blocks: [1], c_hidden: [8]}
trainer: {epochs: 2}
)");
    for (const auto& [set, says] : std::vector<std::pair<std::string, std::string>>{
             {"trainer.loss=mse", "'mse' is a regression loss; 'kind' is a classification target"},
             {"search.metric=val_r2", "val_r2 is a regression metric"},
             {"\"search.objectives=[{metric: val_accuracy}, {metric: val_f1}]\"",
              "val_f1 is for two classes; 'kind' has 3"}}) {
      for (const std::string command : {"validate ", "run "}) {
        const auto r = tunelab::test::run_tunelab(
            command + file.string() + " --set " + set +
            (command == "run " ? " --storage " + (dir.path() / "s.db").string() : ""));
        CHECK_MESSAGE(r.exit_status == 2, command << set << ": " << r.output);
        CHECK_MESSAGE(r.output.find(says) != std::string::npos, r.output);
      }
    }
  }

  TEST_CASE("a typo that makes a column categorical is said, and validate --columns shows each") {
    tunelab::test::ScratchDir dir;
    std::ifstream original(std::string(tunelab::test::kSourceDir) + "/data/diabetes.csv");
    std::string text, line;
    for (int number = 1; std::getline(original, line); ++number) {
      if (number == 17) {  // bmi, the third cell, mistyped
        const auto first = line.find(','), second = line.find(',', first + 1);
        line = line.substr(0, first + 1) + line.substr(first + 1, second - first) + "12..5" +
               line.substr(line.find(',', second + 1));
      }
      text += line + "\n";
    }
    dir.write("typo.csv", text);
    const auto file = dir.write("typo.yaml", R"(name: typo
data: {dataset: csv, args: {path: typo.csv, target: target}, split: {train: 0.8, val: 0.2}}
model: {name: resnet, num_blocks: [1], c_hidden: [8]}
trainer: {epochs: 2}
)");
    auto r = tunelab::test::run_tunelab("validate " + file.string() + " --columns");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    const std::string said = (dir.path() / "typo.csv").string() +
                             ":17:3: column 'bmi': read as categorical, as 1 of its 442 cells is "
                             "not a number (the first here: '12..5'); if it is a typo, fix it, or "
                             "name it in na_values to read it as missing";
    CHECK_MESSAGE(r.output.find("note: " + said) != std::string::npos, r.output);
    CHECK(r.output.find("\nage     numbers  ") != std::string::npos);
    CHECK(r.output.find(" categories ") != std::string::npos);
    CHECK(r.output.find("\nbmi     ") != std::string::npos);
    CHECK(r.output.find("\ntarget  target: numbers") != std::string::npos);
    // Each column's missing cells, over every row.
    r = tunelab::test::run_tunelab("validate --columns experiments/churn.yaml");
    CHECK_MESSAGE(
        r.output.find("the 720 training rows read them (missing: cells of all 1200 rows)") !=
            std::string::npos,
        r.output);
    CHECK_MESSAGE(
        r.output.find(
            "\nregion          4 categories       one-hot  29       a level of its own") !=
            std::string::npos,
        r.output);
    CHECK(r.output.find("\nmonthly_charge  numbers            as is    45       median 40.095 + a "
                        "0/1 column") != std::string::npos);
    // The run says it too.
    r = tunelab::test::run_tunelab("run " + file.string() + " --storage " +
                                   (dir.path() / "s.db").string());
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("note: " + said) != std::string::npos);
  }

  TEST_CASE("search.direction overrides the metric's own") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    REQUIRE(tunelab::test::run_tunelab("run experiments/quickstart.yaml --quiet --trials 3 --set "
                                       "trainer.epochs=3 --set search.direction=maximize "
                                       "--storage " +
                                       db)
                .exit_status == 0);
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT number FROM best_trials").getInt() ==
          d.execAndGet("SELECT number FROM trials ORDER BY value DESC LIMIT 1").getInt());
    CHECK(d.execAndGet("SELECT direction FROM studies").getString() == "maximize");
  }

  TEST_CASE(
      "embedded categories: one column of codes, 0 for a level never seen / a front learns them") {
    const float nan = std::nanf("");
    tunelab::Dataset train;
    train.x = torch::tensor({{1.0F, 0.0F}, {2.0F, 1.0F}, {3.0F, nan}});
    train.y = torch::zeros({3, 1});
    train.feature_names = {"charge", "plan"};
    train.columns = {{"charge", tunelab::ColumnKind::numeric, {}},
                     {"plan", tunelab::ColumnKind::categorical, {"basic", "plus", "gold"}}};
    const auto encoding =
        tunelab::FeatureEncoding::fit(train, tunelab::CategoricalEncoding::embedding);
    CHECK(encoding.width() == 2);
    // basic 1, plus 2, missing 3 (the training rows had a missing plan); 0 reserved.
    CHECK(encoding.embedded() == std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 4}});
    CHECK(torch::equal(encoding.apply(train.x, train.columns),
                       torch::tensor({{1.0F, 1.0F}, {2.0F, 2.0F}, {3.0F, 3.0F}})));
    const std::vector<tunelab::FeatureColumn> file = {
        {"charge", tunelab::ColumnKind::numeric, {}},
        {"plan", tunelab::ColumnKind::categorical, {"gold", "plus"}}};
    CHECK(torch::equal(encoding.apply(torch::tensor({{5.0F, 0.0F}, {5.0F, 1.0F}}), file),
                       torch::tensor({{5.0F, 0.0F}, {5.0F, 2.0F}})));
    CHECK(tunelab::FeatureEncoding::from_json(encoding.to_json()).embedded() ==
          encoding.embedded());

    torch::manual_seed(0);
    tunelab::EmbeddingFront front(2, std::vector<tunelab::EmbeddedColumn>{{1, 4}}, 3);
    CHECK(front->outputs() == 4);
    const auto out = front->forward(torch::tensor({{5.0F, 0.0F}, {6.0F, 2.0F}}));
    CHECK(out.sizes() == torch::IntArrayRef({2, 4}));
    CHECK(out[0][0].item<float>() == 5.0F);  // the numeric column passes through
    CHECK(torch::equal(out[0].slice(0, 1, 4), torch::zeros({3})));  // unseen: zeros
    CHECK_FALSE(torch::equal(out[1].slice(0, 1, 4), torch::zeros({3})));
  }

  TEST_CASE("a study over the encoding: embedded and one-hot trials rerun exactly, predict") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "e.db").string();
    auto r = tunelab::test::run_tunelab(
        "run experiments/churn.yaml --quiet --trials 3 --set trainer.epochs=5 --set data.folds=2 "
        "--set \"search.space={data.encoding: {type: categorical, choices: [onehot, embedding]}, "
        "data.embedding_width: {type: int, low: 2, high: 6}}\"" +
        storage);
    INFO(r.output);
    REQUIRE(r.exit_status == 0);
    const auto trials = tunelab::test::json_of("export churn --format json" + storage);
    std::set<std::string> encodings;
    for (const auto& t : trials) {
      encodings.insert(t["data.encoding"].get<std::string>());
      r = tunelab::test::run_tunelab("rerun churn " + std::to_string(t["number"].get<int>()) +
                                     storage);
      CHECK(r.output.find("(bit-identical)") != std::string::npos);
    }
    CHECK(encodings.count("embedding") == 1);
    dir.write("new.csv",
              "region,plan,tenure_months,monthly_charge,support_calls,satisfaction\n"
              "mars,gold,40,NA,0,7\n");
    r = tunelab::test::run_tunelab("predict churn --input " + (dir.path() / "new.csv").string() +
                                   storage);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("mars,gold,40,NA,0,7,") != std::string::npos);
  }
}
