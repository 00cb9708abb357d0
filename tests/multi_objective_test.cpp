// Several objectives (search.objectives): the Pareto front and its ranks,
// NSGA-II, what a study records and lists, and the mistakes refused.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <ostream>
#include <set>

#include "common/option_specs.h"
#include "config/experiment_loader.h"
#include "plugin/registrar.h"
#include "plugins/samplers/expected_hypervolume.h"
#include "runner/checks/experiment_checks.h"
#include "search/hypervolume.h"
#include "search/pareto.h"
#include "support.h"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string zdt_experiment(const std::string& name, int seed, int trials,
                           const std::string& sampler) {
  std::string text = "name: " + name + "\nseed: " + std::to_string(seed) +
                     "\nobjective: {name: zdt1, dimensions: 4}\nsearch:\n  objectives: [f1, f2]\n"
                     "  trials: " +
                     std::to_string(trials) + "\n  sampler: " + sampler + "\n  space:\n";
  for (int i = 0; i < 4; ++i)
    text += "    objective.x" + std::to_string(i) + ": {type: float, low: 0, high: 1}\n";
  return text;
}

// Every trial of `study` by number: its state and objective values.
struct RecordedTrial {
  std::string state;
  std::vector<double> values;
  bool operator==(const RecordedTrial& o) const { return state == o.state && values == o.values; }
};
std::ostream& operator<<(std::ostream& out, const RecordedTrial& t) {
  out << t.state;
  for (const double v : t.values) out << ' ' << v;
  return out;
}

std::map<int, RecordedTrial> stored_trials(const std::filesystem::path& db,
                                           const std::string& study) {
  SQLite::Database d(db.string());
  SQLite::Statement q(d,
                      "SELECT t.number, t.state, v.value FROM trials t JOIN studies s USING "
                      "(study_id) LEFT JOIN trial_values v USING (trial_id) WHERE s.name = ? "
                      "ORDER BY t.number, v.objective");
  q.bind(1, study);
  std::map<int, RecordedTrial> out;
  while (q.executeStep()) {
    auto& t = out[q.getColumn(0).getInt()];
    t.state = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull()) t.values.push_back(q.getColumn(2).getDouble());
  }
  return out;
}

// The values of every complete trial of `study`, by number.
std::map<int, std::vector<double>> stored_values(const std::filesystem::path& db,
                                                 const std::string& study) {
  std::map<int, std::vector<double>> out;
  for (const auto& [number, t] : stored_trials(db, study))
    if (t.state == "COMPLETE") out[number] = t.values;
  return out;
}

// The hypervolume of 2-D losses against the reference point (ref, ref).
double hypervolume(const std::vector<std::vector<double>>& points, double ref) {
  return tunelab::hypervolume(points, {ref, ref});
}

}  // namespace

TEST_SUITE("several objectives") {
  TEST_CASE("the Pareto front keeps ties and duplicates and leaves NaN out") {
    using tunelab::dominates;
    CHECK(dominates({1, 2}, {1, 3}));
    CHECK_FALSE(dominates({1, 2}, {1, 2}));  // equal: neither dominates
    CHECK_FALSE(dominates({1, 3}, {2, 2}));  // a trade-off
    const std::vector<std::vector<double>> points = {{1, 5}, {2, 2},    {2, 2}, {5, 1},
                                                     {3, 3}, {kNaN, 0}, {6, 6}, {1, 5}};
    CHECK(tunelab::pareto_front(points) == std::vector<std::size_t>{0, 1, 2, 3, 7});
    const std::vector<int> ranks = tunelab::front_ranks(points);
    CHECK(ranks == std::vector<int>{0, 0, 0, 0, 1, -1, 2, 0});
    CHECK(tunelab::pareto_front({}).empty());
    // Crowding: the extremes infinite, the middle by its neighbours' gap.
    const std::vector<std::vector<double>> line = {{0, 4}, {1, 3}, {3, 1}, {4, 0}};
    const auto distance = tunelab::crowding_distances(line, {0, 1, 2, 3});
    CHECK(std::isinf(distance[0]));
    CHECK(std::isinf(distance[3]));
    CHECK(distance[1] == doctest::Approx(3.0 / 4 + 3.0 / 4));
    CHECK(distance[2] == doctest::Approx(3.0 / 4 + 3.0 / 4));
  }

  TEST_CASE("hypervolume and hypervolume improvement, in two and three objectives") {
    using tunelab::hypervolume;
    using tunelab::hypervolume_improvement;
    const std::vector<std::vector<double>> stairs = {{1, 3}, {2, 2}, {3, 1}};
    CHECK(hypervolume(stairs, {4, 4}) == doctest::Approx(6));
    // A dominated point, a duplicate and one beyond the reference add nothing.
    CHECK(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}, {5, 0}}, {4, 4}) ==
          doctest::Approx(6));
    CHECK(hypervolume({}, {4, 4}) == 0);
    CHECK(hypervolume({{0, 0, 0}}, {1, 2, 3}) == doctest::Approx(6));
    // Two boxes of 4 and 2 that share a unit cube.
    CHECK(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}) == doctest::Approx(5));
    CHECK(hypervolume_improvement(stairs, {0.5, 0.5}, {4, 4}) == doctest::Approx(12.25 - 6));
    CHECK(hypervolume_improvement(stairs, {2.5, 2.5}, {4, 4}) == 0);  // dominated
    CHECK(hypervolume_improvement(stairs, {1.5, 2.5}, {4, 4}) == doctest::Approx(0.25));
    CHECK(hypervolume_improvement(stairs, {4.5, 0}, {4, 4}) == 0);  // beyond the reference
    CHECK(hypervolume_improvement({{0, 0, 1}}, {1, 1, 0}, {2, 2, 2}) == doctest::Approx(1));
  }

  TEST_CASE("gp's expected hypervolume improvement: exact where the posterior is certain") {
    // Trials in three and in two objectives; with no posterior spread every
    // draw is the mean, so the expectation is the mean's improvement, with
    // the reference a tenth of each objective's range beyond its worst.
    const std::vector<std::vector<double>> three = {
        {0.1, 0.9, 0.5}, {0.5, 0.5, 0.5}, {0.9, 0.1, 0.4}, {0.3, 0.3, 0.9}, {0.6, 0.6, 0.6}};
    const std::vector<double> three_reference = {0.98, 0.98, 0.95};
    const std::vector<std::vector<double>> two = {{0, 1}, {0.4, 0.4}, {1, 0}, {0.8, 0.8}};
    const std::vector<double> two_reference = {1.1, 1.1};
    for (const auto& [points, reference] :
         {std::pair{three, three_reference}, std::pair{two, two_reference}}) {
      const tunelab::gp::ExpectedHypervolume ehvi(points, points, 8, 1);
      const auto m = static_cast<long>(reference.size());
      for (const std::vector<double>& at :
           {std::vector<double>{0.2, 0.2, 0.2}, {0.05, 0.95, 0.3}, {0.5, 0.45, 0.45}}) {
        const std::vector<double> y(at.begin(), at.begin() + m);
        CAPTURE(y);
        const double exact = tunelab::hypervolume_improvement(points, y, reference);
        const double expected = ehvi.log_value(Eigen::Map<const Eigen::VectorXd>(y.data(), m),
                                               Eigen::VectorXd::Zero(m));
        if (exact > 0)
          CHECK(expected == doctest::Approx(std::log(exact)));
        else
          CHECK(expected < -1e299);
      }
    }
  }

  TEST_CASE("a study of two objectives records both, lists its front, and the SQL view agrees") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const std::string storage = " --storage " + db.string();
    const auto file = dir.write("z.yaml", zdt_experiment("z", 3, 40,
                                                         "{name: nsga2, "
                                                         "population_size: 10}"));
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("trials on the Pareto front of f1 (min), f2 (min): tunelab best z") !=
          std::string::npos);
    const auto values = stored_values(db, "z");
    REQUIRE(values.size() == 40);
    std::vector<std::vector<double>> points;
    std::vector<int> numbers;
    for (const auto& [number, v] : values) {
      REQUIRE(v.size() == 2);
      CHECK(v[0] >= 0);
      CHECK(v[0] <= 1);
      points.push_back(v);
      numbers.push_back(number);
    }
    std::set<int> expected;
    for (std::size_t i : tunelab::pareto_front(points)) expected.insert(numbers[i]);
    REQUIRE_FALSE(expected.empty());

    const auto front = tunelab::test::json_of("best z --format json" + storage);
    REQUIRE(front.is_array());
    std::set<int> listed;
    for (const auto& row : front) listed.insert(row["number"].get<int>());
    CHECK(listed == expected);
    // The listing of studies shows both objectives and the front, not one best.
    const auto studies = tunelab::test::json_of("studies --format json" + storage);
    CHECK(studies[0]["metric"] == "f1, f2");
    CHECK(studies[0]["best"].is_null());
    CHECK(studies[0]["best_trial"] == fmt::format("front of {}", expected.size()));
    // Best first by f1.
    for (std::size_t i = 1; i < front.size(); ++i)
      CHECK(front[i - 1]["f1 (min)"].get<double>() <= front[i]["f1 (min)"].get<double>());

    SQLite::Database d(db.string());
    SQLite::Statement q(d, "SELECT number FROM pareto_trials WHERE study = 'z'");
    std::set<int> viewed;
    while (q.executeStep()) viewed.insert(q.getColumn(0).getInt());
    CHECK(viewed == expected);

    const auto pareto = tunelab::test::json_of("trials z --pareto --format json" + storage);
    REQUIRE(pareto.is_array());
    CHECK(pareto.size() == expected.size());
    CHECK(pareto[0].contains("f2"));

    // The report draws the front and lists it.
    const std::string page = (dir.path() / "z.html").string();
    r = tunelab::test::run_tunelab("report z --html " + page + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    std::ifstream in(page);
    const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(html.find("The trade-off: the Pareto front") != std::string::npos);
    CHECK(html.find("alt=\"Pareto front of two objectives\"") != std::string::npos);
    CHECK(html.find(std::to_string(expected.size()) + " trials on the front") != std::string::npos);

    // Exported for Optuna, the study's directions make its best_trials the front.
    const std::string exported = (dir.path() / "optuna.db").string();
    r = tunelab::test::run_tunelab("export z --optuna " + exported + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto read = tunelab::test::run_shell(
        "/usr/bin/python3 -c \"import optuna; "
        "optuna.logging.set_verbosity(optuna.logging.WARNING); "
        "s = optuna.load_study(study_name='z', storage='sqlite:///" +
        exported + "'); print(len(s.directions), *sorted(t.number for t in s.best_trials))\"");
    std::string front_numbers = "2";
    for (int n : expected) front_numbers += " " + std::to_string(n);
    CHECK(read.output == front_numbers + "\n");
  }

  TEST_CASE("nsga2, tpe (MOTPE) and gp (EHVI) are deterministic and beat random search on zdt1") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const std::string storage = " --storage " + db.string();
    const auto run = [&](const std::string& name, const std::string& sampler, int trials) {
      const auto r = tunelab::test::run_tunelab(
          "run " + dir.write(name + ".yaml", zdt_experiment(name, 5, trials, sampler)).string() +
          " --quiet" + storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      std::vector<std::vector<double>> points;
      for (const auto& [n, v] : stored_values(db, name)) points.push_back(v);
      return points;
    };
    // zdt1's front is f2 = 1 - sqrt(f1); (11, 11) encloses every point.
    const struct {
      const char* tag;
      const char* sampler;
      int trials;
    } cases[] = {
        {"n", "{name: nsga2, population_size: 20}", 120}, {"t", "tpe", 120}, {"g", "gp", 40}};
    for (const auto& c : cases) {
      CAPTURE(c.sampler);
      const double random = hypervolume(run(std::string("r") + c.tag, "random", c.trials), 11);
      const auto first = run(std::string(c.tag) + "1", c.sampler, c.trials);
      CHECK(run(std::string(c.tag) + "2", c.sampler, c.trials) == first);
      CHECK(hypervolume(first, 11) > random);
    }
  }

  TEST_CASE("a training study records n_params, train_seconds and predict_ms_per_1k_rows") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --trials 3 --set trainer.epochs=2 "
        "--set 'search.objectives=[val_loss, n_params]' --set search.sampler=nsga2 "
        "--storage " +
        db.string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db.string());
    for (const char* metric : {"n_params", "train_seconds", "predict_ms_per_1k_rows"}) {
      CAPTURE(metric);
      CHECK(d.execAndGet(std::string("SELECT count(*) FROM metrics WHERE metric = '") + metric +
                         "' AND value > 0")
                .getInt() == 3);
    }
    // The second objective is the trial's n_params; the first its val_loss.
    CHECK(d.execAndGet("SELECT count(*) FROM trial_values v JOIN trial_metrics m USING "
                       "(trial_id) WHERE v.objective = 1 AND m.name = 'n_params' AND "
                       "v.value = m.value")
              .getInt() == 3);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_values v JOIN trials t USING (trial_id) "
                       "WHERE v.objective = 0 AND v.value = t.val_loss")
              .getInt() == 3);
  }

  TEST_CASE("gp on (val_rmse, n_params) does not keep proposing a configuration it has run") {
    // With log-warped values the noise of one small network's val_rmse kept
    // the expected improvement alive at it: 23 of a study's last 24 trials
    // were that network with the learning rate at its bound. (Where that
    // network is the whole front, varying its learning rate is the search.)
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/diabetes_tradeoff.yaml --quiet --trials 60 --set "
        "'search.sampler={name: gp, warp: log}' --study gp" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto trials = tunelab::test::json_of("trials gp --format json" + storage);
    REQUIRE(trials.size() == 60);
    const auto discrete = [](const nlohmann::json& t) {
      return fmt::format("{} {} {} {} {}", t["act_fn"].get<std::string>(), t["c_hidden"].dump(),
                         t["groups"].dump(), t["num_blocks"].dump(), t["batch_size"].dump());
    };
    // A near-copy: every integer and choice the same, the learning rate
    // within a hundredth of its log range (1e-3 to 3e-2).
    int copies = 0, at_bound = 0;
    for (std::size_t b = 0; b < trials.size(); ++b) {
      // The learning rate within a hundredth of its log range of a bound.
      const double lr = trials[b]["lr"].get<double>();
      if (b + 24 >= trials.size())
        at_bound += std::min(std::log(lr / 1e-3), std::log(3e-2 / lr)) < 0.01 * std::log(30.0);
      for (std::size_t a = 0; a < b; ++a)
        copies +=
            discrete(trials[a]) == discrete(trials[b]) &&
            std::abs(std::log(trials[a]["lr"].get<double>() / trials[b]["lr"].get<double>())) <
                0.01 * std::log(30.0);
    }
    CHECK(copies == 0);
    CHECK(at_bound <= 3);
  }

  TEST_CASE("a pruner stops dominated trials of a two-objective study, the same each run") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const auto run = [&](const std::string& name, const std::string& pruner) {
      const auto r = tunelab::test::run_tunelab(
          "run experiments/diabetes_tradeoff.yaml --quiet --trials 30 --set trainer.epochs=20 "
          "--set name=" +
          name + (pruner.empty() ? "" : " --set 'search.pruner=" + pruner + "'") + " --storage " +
          db.string());
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      return stored_trials(db, name);
    };
    const auto plain = run("plain", "");
    const auto pruned = run("pruned", "{name: median, startup_trials: 5}");
    const auto again = run("again", "{name: median, startup_trials: 5}");
    CHECK(pruned == again);
    int stopped = 0;
    for (const auto& [number, t] : pruned) stopped += t.state == "PRUNED";
    CHECK(stopped > 0);
    // The model the pruner sizes before training leaves training as it was:
    // the first generation's trials (proposed alike) end alike.
    for (int n = 0; n < 5; ++n) CHECK(pruned.at(n) == plain.at(n));
    // Pruning by one named objective stops more: a trial that is small but
    // worse in val_rmse is no longer safe.
    const auto by_rmse = run("by-rmse", "{name: median, startup_trials: 5, objective: val_rmse}");
    int stopped_by_rmse = 0;
    for (const auto& [number, t] : by_rmse) stopped_by_rmse += t.state == "PRUNED";
    CHECK(stopped_by_rmse > stopped);
  }

  TEST_CASE("a sampler that ranks trials by one value is refused for several objectives") {
    // Every built-in sampler handles several objectives; a plugin's may not.
    class OneValue : public tunelab::Sampler {
     public:
      std::optional<tunelab::Params> propose(int,
                                             const std::vector<tunelab::FinishedTrial>&) override {
        return tunelab::Params{};
      }
    };
    tunelab::Registrar registrar = tunelab::test::builtins();
    registrar.samplers.add("one_value", "ranks by the first value", tunelab::OptionSpecs{},
                           [](const tunelab::SamplerRequest&) -> std::unique_ptr<tunelab::Sampler> {
                             return std::make_unique<OneValue>();
                           });
    const auto experiment =
        tunelab::load_experiment_text(zdt_experiment("e", 1, 5, "one_value"), "e.yaml");
    // The message suggests the registered samplers that would serve: the
    // built-in ones, not the plugin's.
    CHECK_THROWS_WITH_AS(tunelab::check_experiment(experiment, registrar),
                         doctest::Contains("the one_value sampler optimises one objective, and "
                                           "this study has 2: use random,"),
                         tunelab::ConfigError);
    try {
      tunelab::check_experiment(experiment, registrar);
    } catch (const tunelab::ConfigError& e) {
      const std::string said = e.what();
      CHECK(said.find("nsga2") != std::string::npos);
      CHECK(said.find("tpe") != std::string::npos);
      CHECK(said.find("one_value,") == std::string::npos);
    }
    // Searched by one objective, it is fine.
    std::string one = zdt_experiment("e", 1, 5, "one_value");
    one.replace(one.find("[f1, f2]"), 8, "[f1]");
    CHECK_NOTHROW(
        tunelab::check_experiment(tunelab::load_experiment_text(one, "e.yaml"), registrar));
  }

  TEST_CASE("mistakes with several objectives are refused before any trial") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const struct {
      std::string text;
      const char* message;
    } cases[] = {
        {zdt_experiment("e", 1, 5, "nsga2") + "  pruner: median\n",
         "f1 has no value per epoch to prune by"},
        {zdt_experiment("e", 1, 5, "nsga2") + "  metric: value\n",
         "search.objectives names the metrics"},
        {[] {
           std::string t = zdt_experiment("e", 1, 5, "nsga2");
           t.replace(t.find("[f1, f2]"), 8, "[f1, f3]");
           return t;
         }(),
         "objective 'zdt1': unknown output 'f3'"},
        {[] {
           std::string t = zdt_experiment("e", 1, 5, "nsga2");
           t.replace(t.find("[f1, f2]"), 8, "[f1, f1]");
           return t;
         }(),
         "f1 is objective 0 already"},
        {[] {
           std::string t = zdt_experiment("e", 1, 5, "nsga2");
           t.replace(t.find("  objectives: [f1, f2]\n"), 23, "");
           return t;
         }(),
         "objective 'zdt1' has 2 outputs (f1, f2): name those to optimise"},
        {"name: e\ndata: {dataset: diabetes}\nsearch:\n  objectives: [val_rmse, n_parms]\n"
         "  sampler: nsga2\n  space:\n    trainer.lr: {type: float, low: 0.001, high: 0.1}\n",
         "did you mean 'n_params'?"},
        {"name: e\ndata: {dataset: diabetes}\nsearch:\n  objectives: [val_rmse, "
         "predict_ms_per_1k_rows]\n  sampler: nsga2\n  pruner: median\n  space:\n"
         "    trainer.lr: {type: float, low: 0.001, high: 0.1}\n",
         "predict_ms_per_1k_rows has no value per epoch to prune by (it is measured once a trial "
         "has trained), and a pruner of several objectives compares them all: name the one to "
         "prune by (objective: val_rmse)"},
        {"name: e\ndata: {dataset: diabetes}\nsearch:\n  objectives: [val_rmse, n_params]\n"
         "  sampler: nsga2\n  pruner: {name: median, objective: val_mae}\n  space:\n"
         "    trainer.lr: {type: float, low: 0.001, high: 0.1}\n",
         "did you mean 'val_rmse'?"},
        {"name: e\ndata: {dataset: diabetes}\nsearch:\n  objectives: [val_rmse, n_params]\n"
         "  sampler: nsga2\n  pruner: {name: none, objective: val_rmse}\n  space:\n"
         "    trainer.lr: {type: float, low: 0.001, high: 0.1}\n",
         "the none pruner stops no trial"},
        {"name: e\ndata: {dataset: diabetes}\nsearch:\n  objectives: [val_rmse, test_rmse]\n"
         "  sampler: nsga2\n  pruner: {name: median, objective: test_rmse}\n  space:\n"
         "    trainer.lr: {type: float, low: 0.001, high: 0.1}\n",
         "test_rmse has no value per epoch to prune by"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      const auto r = tunelab::test::run_tunelab("run " + dir.write("e.yaml", c.text).string() +
                                                " --quiet --storage " + db.string());
      CHECK(r.exit_status == 2);
      CHECK_MESSAGE(r.output.find(c.message) != std::string::npos, r.output);
      CHECK(r.output.find("e.yaml:") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(db));
      // `validate` finds the same mistakes.
      const auto v = tunelab::test::run_tunelab("validate " + (dir.path() / "e.yaml").string());
      CHECK(v.exit_status == 2);
      CHECK_MESSAGE(v.output.find(c.message) != std::string::npos, v.output);
    }
  }
}
