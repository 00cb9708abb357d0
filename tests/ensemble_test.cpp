// Ensembles of a study's trials: greedy selection on fixed predictions, what
// the store keeps, predict --ensemble, members trained again from their
// seeds, and the requests that are refused.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runner/ensemble/ensemble_selection.h"
#include "support.h"

namespace {

using nlohmann::json;

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The last column of a predictions file, as numbers (the header left out).
std::vector<double> last_column(const std::filesystem::path& file) {
  std::vector<double> out;
  const auto lines = tunelab::test::lines_of(file_text(file));
  for (std::size_t i = 1; i < lines.size(); ++i)
    out.push_back(std::stod(lines[i].substr(lines[i].rfind(',') + 1)));
  return out;
}

// The number after `name ` in a command's output.
double figure_after(const std::string& output, const std::string& name) {
  const auto at = output.find(name + " ");
  REQUIRE_MESSAGE(at != std::string::npos, output);
  return std::stod(output.substr(at + name.size() + 1));
}

}  // namespace

TEST_CASE("greedy selection picks, with replacement, the trials whose mean fits the rows best") {
  const at::Tensor targets = torch::zeros({4, 1});
  const at::Tensor above = torch::ones({4, 1}), below = -torch::ones({4, 1}),
                   far = 3 * torch::ones({4, 1});
  const auto loss = tunelab::ensemble_loss("val_rmse", false, targets);
  // Above and below are equally good alone (the tie goes to the first);
  // together they are exact, and no later pick does better: the two picks
  // are kept, far never.
  CHECK(tunelab::greedy_selection({above, below, far}, 4, loss) == std::vector<int>{1, 1, 0});
  // Picks after the best mean are left out: -1, 2, -1 is exact; the five
  // picks go on to -1, 2, -1, -1, 2 (mean 0.2), and the first three are kept.
  const at::Tensor minus_one = -torch::ones({4, 1}), two = 2 * torch::ones({4, 1});
  CHECK(tunelab::greedy_selection({minus_one, two}, 5, loss) == std::vector<int>{2, 1});
  CHECK(tunelab::greedy_selection({far, below, above}, 1, loss) == std::vector<int>{0, 1, 0});
  // A metric where larger is better is maximised.
  const at::Tensor codes = torch::tensor({0.f, 1.f, 1.f, 0.f}).view({4, 1});
  const at::Tensor right =
      torch::tensor({0.9f, 0.1f, 0.2f, 0.8f, 0.3f, 0.7f, 0.6f, 0.4f}).view({4, 2});
  const at::Tensor wrong =
      torch::tensor({0.1f, 0.9f, 0.8f, 0.2f, 0.7f, 0.3f, 0.4f, 0.6f}).view({4, 2});
  const auto accuracy = tunelab::ensemble_loss("val_accuracy", true, codes);
  CHECK(accuracy(right) == doctest::Approx(-1.0));
  // Two parts right, one wrong is as accurate as right alone: the log loss
  // keeps wrong out.
  CHECK(tunelab::greedy_selection({wrong, right}, 3, accuracy) == std::vector<int>{0, 1});
  // What it is chosen by: the study's metric where a combination has it.
  CHECK(tunelab::selection_metric("val_loss", false) == "val_rmse");
  CHECK(tunelab::selection_metric("val_mae", false) == "val_mae");
  CHECK(tunelab::selection_metric("val_loss", true) == "val_logloss");
  CHECK(tunelab::selection_metric("val_auc", true) == "val_auc");
  // A regression trained on its target's log is chosen by the logs' RMSE,
  // which one large target does not dominate.
  CHECK(tunelab::selection_metric("val_loss", false, true) == "val_log_rmse");
  CHECK(tunelab::selection_metric("val_mae", false, true) == "val_mae");
  const at::Tensor prices = torch::tensor({1.0f, 10.0f, 1000.0f}).view({3, 1});
  const auto log_rmse = tunelab::ensemble_loss("val_log_rmse", false, prices);
  const at::Tensor twice = prices * 2;
  CHECK(log_rmse(twice) == doctest::Approx(std::log(2.0)));
  // Off by 500 on the large target only: worse in RMSE than twice every
  // target, better in the logs' RMSE.
  const at::Tensor off = torch::tensor({1.0f, 10.0f, 1500.0f}).view({3, 1});
  const auto rmse = tunelab::ensemble_loss("val_rmse", false, prices);
  CHECK(rmse(off) < rmse(twice));
  CHECK(log_rmse(off) < log_rmse(twice));
  const at::Tensor small_off = torch::tensor({3.0f, 30.0f, 1000.0f}).view({3, 1});
  CHECK(rmse(small_off) < rmse(off));
  CHECK(log_rmse(small_off) > log_rmse(off));
  CHECK(tunelab::shown_metric("val_log_rmse") == "rmse");
}

TEST_CASE("search.ensemble keeps an ensemble that predict --ensemble reproduces on the test rows") {
  const auto s = tunelab::test::quickstart_studies({""}, "--set 'search.ensemble={size: 4}'");
  const json best = tunelab::test::json_of("best quickstart --format json" + s->storage);
  REQUIRE(best.contains("ensemble"));
  const json& e = best["ensemble"];
  CHECK(e["method"] == "greedy");
  // Up to 4 picks: those up to the best validation RMSE.
  CHECK(e["size"].get<int>() >= 1);
  CHECK(e["size"].get<int>() <= 4);
  CHECK(e["selected_by"] == "val_rmse");
  CHECK(e["best_trial"] == best["trial"]);
  double weights = 0;
  for (const auto& m : e["members"]) weights += m["weight"].get<double>();
  CHECK(weights == doctest::Approx(1.0));
  // The best single trial's figures on the same rows are its own.
  CHECK(e["best_trial_test_rmse"].get<double>() ==
        doctest::Approx(best["test_rmse"].get<double>()).epsilon(1e-5));

  // Every complete trial's predictions on both splits are in the store.
  SQLite::Database db(s->db);
  CHECK(db.execAndGet("SELECT count(*) FROM trial_predictions").getInt() == 2 * 6);
  CHECK(db.execAndGet("SELECT count(*) FROM ensemble_members").getInt() ==
        static_cast<int>(e["members"].size()));

  // On the study's test rows, predict --ensemble gives the stored test RMSE.
  const auto rows = s->dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
  const auto out = s->dir.path() / "ensemble.csv";
  auto r = tunelab::test::run_tunelab("predict quickstart --ensemble --input " + rows.string() +
                                      " --output " + out.string() + s->storage);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  CHECK(r.output.find("ensemble on 89 rows with targets:") != std::string::npos);
  CHECK(figure_after(r.output, "rmse") ==
        doctest::Approx(e["test_rmse"].get<double>()).epsilon(1e-4));

  // Its predictions are the members' weighted mean.
  std::vector<double> mean(89, 0.0);
  for (const auto& m : e["members"]) {
    const auto one = s->dir.path() / fmt::format("trial-{}.csv", m["trial"].get<int>());
    r = tunelab::test::run_tunelab(
        fmt::format("predict quickstart --trial {} --input {} --output {}{}", m["trial"].get<int>(),
                    rows.string(), one.string(), s->storage));
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto values = last_column(one);
    REQUIRE(values.size() == mean.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      mean[i] += m["weight"].get<double>() * values[i];
  }
  const auto combined = last_column(out);
  REQUIRE(combined.size() == mean.size());
  for (std::size_t i = 0; i < mean.size(); ++i)
    CHECK(combined[i] == doctest::Approx(mean[i]).epsilon(1e-5));

  // compare and the report show it beside the best trial.
  r = tunelab::test::run_tunelab("compare quickstart" + s->storage);
  CHECK(r.output.find("ensemble test") != std::string::npos);
  CHECK(r.output.find("best trial test") != std::string::npos);
  const auto page = s->dir.path() / "r.html";
  r = tunelab::test::run_tunelab("report quickstart --html " + page.string() + s->storage);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  CHECK(file_text(page).find("The ensemble of trials") != std::string::npos);
}

TEST_CASE(
    "members without kept weights are trained again from their seeds, to the same predictions") {
  const auto kept = tunelab::test::quickstart_studies({""}, "--keep-weights all");
  const auto none = tunelab::test::quickstart_studies({""}, "--keep-weights none");
  const auto rows = kept->dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
  std::vector<std::string> predicted;
  for (const auto* s : {kept.get(), none.get()}) {
    auto r = tunelab::test::run_tunelab("ensemble quickstart --size 5" + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("ensemble (greedy, 5 picks): trial") != std::string::npos);
    // Only the store that kept no weights trains members again.
    CHECK((r.output.find("trained again from its seed") != std::string::npos) == (s == none.get()));
    const auto out = s->dir.path() / "p.csv";
    r = tunelab::test::run_tunelab("predict quickstart --ensemble --input " + rows.string() +
                                   " --output " + out.string() + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    predicted.push_back(file_text(out));
  }
  CHECK(predicted[0] == predicted[1]);
  // A second build needs no training: the members' weights are kept now.
  const auto r = tunelab::test::run_tunelab("ensemble quickstart --size 5" + none->storage);
  CHECK(r.output.find("trained again") == std::string::npos);
}

TEST_CASE("ensemble requests that cannot be met are refused, and nothing is stored") {
  const auto s = tunelab::test::quickstart_studies({""});
  for (const auto& [flags, says] : std::vector<std::pair<std::string, std::string>>{
           {"--size 0", "--size 0: an ensemble has at least 1 member"},
           {"--size 7",
            "an ensemble of size 7 needs as many complete trials with predictions; "
            "study 'quickstart' has 6"},
           {"--method best", "--method best: expected greedy or top"}}) {
    const auto r = tunelab::test::run_tunelab("ensemble quickstart " + flags + s->storage);
    CHECK_MESSAGE(r.exit_status == 2, r.output);
    CHECK_MESSAGE(r.output.find(says) != std::string::npos, r.output);
  }
  SQLite::Database db(s->db);
  CHECK(db.execAndGet("SELECT count(*) FROM ensembles").getInt() == 0);
  const auto rows = s->dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
  auto r = tunelab::test::run_tunelab("predict quickstart --ensemble --input " + rows.string() +
                                      s->storage);
  CHECK(r.exit_status == 2);
  CHECK(
      r.output.find("study 'quickstart' has no ensemble: tunelab ensemble quickstart builds one") !=
      std::string::npos);

  // In an experiment file: the key, its line and column.
  tunelab::test::ScratchDir dir;
  const auto file =
      dir.write("e.yaml", file_text("experiments/quickstart.yaml") + "  ensemble: {size: 0}\n");
  r = tunelab::test::run_tunelab("validate " + file.string());
  CHECK(r.exit_status == 2);
  CHECK_MESSAGE(r.output.find("search.ensemble.size") != std::string::npos, r.output);
  CHECK(r.output.find("must be at least 1") != std::string::npos);
  const auto large = dir.write(
      "l.yaml", file_text("experiments/quickstart.yaml") + "  ensemble: {size: 31, method: top}\n");
  r = tunelab::test::run_tunelab("validate " + large.string());
  CHECK(r.exit_status == 2);
  CHECK_MESSAGE(r.output.find("is 31, more than the study's 30 trials") != std::string::npos,
                r.output);
}
