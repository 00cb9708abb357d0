// Constraints (search.constraints): a trial that breaks a bound is stored
// as COMPLETE and infeasible, with its constraint values; it never becomes
// the best trial, the front, an ensemble member or the kept weights; the
// samplers learn to keep to the bounds, reproducibly; a bound on n_params
// is checked before training; the Optuna export carries the values where
// Optuna's samplers read them; and bad bounds are refused at their place.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support.h"

namespace {

using tunelab::test::run_shell;
using tunelab::test::run_tunelab;
using tunelab::test::ScratchDir;

// zdt1 in two dimensions, judged by f2 alone, with f1 (= x0) at most 0.25:
// the unconstrained minimum (x0 = 1) is infeasible, the constrained one is
// f2 = 0.5 at x0 = 0.25, x1 = 0.
std::string bounded_zdt1(const std::string& name, const std::string& sampler) {
  return "name: " + name + R"(
seed: 3
objective: {name: zdt1, dimensions: 2}
search:
  objectives: [f2]
  trials: 40
  sampler: )" +
         sampler +
         R"(
  constraints:
    - {metric: f1, max: 0.25}
  space:
    objective.x0: {type: float, low: 0, high: 1}
    objective.x1: {type: float, low: 0, high: 1}
)";
}

// Runs `text` as a study in the store `db`; fails the test when it fails.
void run_study(const ScratchDir& dir, const std::string& text, const std::string& db) {
  const auto file = dir.write("study.yaml", text);
  const auto r = run_tunelab("run " + file.string() + " --quiet --storage " + db);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
}

int count(const std::string& db, const std::string& sql) {
  SQLite::Database d(db);
  return d.execAndGet(sql).getInt();
}

std::string trial_lines(const std::string& db, const std::string& study) {
  SQLite::Database d(db);
  SQLite::Statement q(d,
                      "SELECT t.number, t.params_json, quote(t.value), t.feasible FROM trials t "
                      "JOIN studies s USING (study_id) WHERE s.name = ? ORDER BY t.number");
  q.bind(1, study);
  std::string out;
  while (q.executeStep())
    out += q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
           q.getColumn(2).getString() + " " + q.getColumn(3).getString() + "\n";
  return out;
}

// What Optuna prints of `expression` over study `name` (as `s`), exported
// from the store `db` into an Optuna store of its own.
std::string optuna_reads(const ScratchDir& dir, const std::string& db, const std::string& name,
                         const std::string& expression) {
  const std::string exported = (dir.path() / (name + "-optuna.db")).string();
  const auto r = run_tunelab("export " + name + " --optuna " + exported + " --storage " + db);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  return run_shell(
             "/usr/bin/python3 -c \"import math, optuna; "
             "optuna.logging.set_verbosity(optuna.logging.WARNING); "
             "s = optuna.load_study(study_name='" +
             name + "', storage='sqlite:///" + exported + "'); print(" + expression + ")\"")
      .output;
}

}  // namespace

TEST_SUITE("constraints") {
  TEST_CASE("an infeasible trial is complete, marked, and never the best") {
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    run_study(dir, bounded_zdt1("z", "random"), db);
    // Random search breaks the bound most of the time, with lower f2.
    const int infeasible = count(db, "SELECT count(*) FROM trials WHERE feasible = 0");
    CHECK(infeasible > 10);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") == 40);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE feasible IS NULL") == 0);
    // Each trial's constraint value: f1 - 0.25, above 0 exactly where infeasible.
    CHECK(
        count(
            db,
            "SELECT count(*) FROM trials t JOIN trial_constraints c USING (trial_id) "
            "JOIN trial_metrics m ON m.trial_id = t.trial_id AND m.name = 'f1' "
            "WHERE abs(c.value - (m.value - 0.25)) < 1e-9 AND (c.value > 0) = (t.feasible = 0)") ==
        40);
    const int better_but_infeasible =
        count(db,
              "SELECT count(*) FROM trials WHERE feasible = 0 AND value < (SELECT min(value) FROM "
              "trials WHERE feasible = 1)");
    CHECK(better_but_infeasible > 0);

    // best, the best_trials view and trials --top agree on the best feasible trial.
    auto r = run_tunelab("best z --format json --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto best = nlohmann::json::parse(r.output);
    CHECK(best.at("feasible") == true);
    SQLite::Database d(db);
    const int best_number =
        d.execAndGet("SELECT number FROM trials WHERE feasible = 1 ORDER BY value LIMIT 1")
            .getInt();
    CHECK(best.at("trial") == best_number);
    CHECK(d.execAndGet("SELECT number FROM best_trials").getInt() == best_number);
    r = run_tunelab("trials z --top 3 --format csv --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto rows = tunelab::test::lines_of(r.output);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].rfind("number,state,feasible,f2", 0) == 0);
    CHECK(rows[1].rfind(std::to_string(best_number) + ",COMPLETE,true,", 0) == 0);
    for (std::size_t i = 1; i < rows.size(); ++i)
      CHECK(rows[i].find(",true,") != std::string::npos);

    // The listing and show say which trials broke a bound; the report too.
    const int first_infeasible =
        d.execAndGet("SELECT min(number) FROM trials WHERE feasible = 0").getInt();
    r = run_tunelab("show z " + std::to_string(first_infeasible) + " --storage " + db);
    CHECK(r.output.find("feasible     false") != std::string::npos);
    const std::string page = (dir.path() / "z.html").string();
    r = run_tunelab("report z --html " + page + " --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = run_shell("cat " + page);
    CHECK(r.output.find(std::to_string(infeasible) + " of them infeasible") != std::string::npos);
    CHECK(r.output.find("Trial " + std::to_string(best_number) + " won") != std::string::npos);

    // Exported, each trial carries its constraint values where Optuna's
    // samplers read them, and Optuna loads the study.
    CHECK(optuna_reads(dir, db, "z",
                       "len(s.trials), sum(t.system_attrs['constraints'][0] > 0 for t in "
                       "s.trials)") == "40 " + std::to_string(infeasible) + "\n");
  }

  TEST_CASE("tpe, gp and nsga2 learn to keep to the bounds, reproducibly") {
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    // Infeasible trials among the last 20 of 40, and the best feasible f2.
    const auto late_infeasible = [&](const std::string& study) {
      return count(
          db, "SELECT count(*) FROM trials t JOIN studies s USING (study_id) WHERE s.name = '" +
                  study + "' AND t.number >= 20 AND t.feasible = 0");
    };
    const auto best_f2 = [&](const std::string& study) {
      SQLite::Database d(db);
      return d.execAndGet("SELECT value FROM best_trials WHERE study = '" + study + "'")
          .getDouble();
    };
    run_study(dir, bounded_zdt1("random", "random"), db);
    run_study(dir, bounded_zdt1("tpe", "tpe"), db);
    run_study(dir, bounded_zdt1("gp", "gp"), db);
    INFO("late infeasible: random " << late_infeasible("random") << ", tpe "
                                    << late_infeasible("tpe") << ", gp " << late_infeasible("gp"));
    CHECK(late_infeasible("random") >= 10);
    CHECK(late_infeasible("tpe") <= 8);
    CHECK(late_infeasible("gp") <= 4);
    // Both close in on the constrained minimum, f2 = 0.5 at the bound.
    CHECK(best_f2("tpe") < best_f2("random"));
    CHECK(best_f2("gp") < 0.55);
    // The same file and seed: the same trials, feasibility and all.
    run_study(dir, bounded_zdt1("tpe2", "tpe"), db);
    run_study(dir, bounded_zdt1("gp2", "gp"), db);
    CHECK(trial_lines(db, "tpe2") == trial_lines(db, "tpe"));
    CHECK(trial_lines(db, "gp2") == trial_lines(db, "gp"));

    // Two objectives with a bound on f2 that random search never keeps in
    // three dimensions: NSGA-II's constrained domination breeds towards it.
    const auto two = [](const std::string& name, const std::string& sampler) {
      return "name: " + name + R"(
seed: 3
objective: {name: zdt1, dimensions: 3}
search:
  objectives: [f1, f2]
  trials: 120
  sampler: )" +
             sampler +
             R"(
  constraints: [{metric: f2, max: 0.6}]
  space:
    objective.x0: {type: float, low: 0, high: 1}
    objective.x1: {type: float, low: 0, high: 1}
    objective.x2: {type: float, low: 0, high: 1}
)";
    };
    run_study(dir, two("moo_random", "random"), db);
    run_study(dir, two("moo_nsga2", "{name: nsga2, population_size: 12}"), db);
    const auto feasible = [&](const std::string& study) {
      return count(
          db, "SELECT count(*) FROM trials t JOIN studies s USING (study_id) WHERE s.name = '" +
                  study + "' AND t.feasible = 1");
    };
    CHECK(feasible("moo_nsga2") > feasible("moo_random") + 5);
    // The front holds feasible trials only.
    CHECK(count(db,
                "SELECT count(*) FROM pareto_trials p JOIN trials t USING (trial_id) WHERE "
                "p.study = 'moo_nsga2' AND t.feasible = 0") == 0);
    CHECK(count(db, "SELECT count(*) FROM pareto_trials WHERE study = 'moo_nsga2'") > 0);
  }

  TEST_CASE("a bound on n_params is checked before training, and only feasible trials are kept") {
    ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    run_study(dir, R"(name: budget
seed: 5
data: {dataset: diabetes, split: {train: 0.6, val: 0.2, test: 0.2}, standardize: {x: true, y: true}}
model: {name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: 1, c_hidden: [32, 32]}
trainer: {optimizer: adam, lr: 3.0e-3, batch_size: 64, epochs: 4}
search:
  trials: 14
  sampler: tpe
  ensemble: {size: 3}
  constraints: [{metric: n_params, max: 6000}]
  space:
    model.groups: {type: int, low: 1, high: 2}
    model.c_hidden[0]: {type: int, low: 3, high: 6, transform: pow2}
    model.c_hidden[1]: {type: int, low: 3, high: 6, transform: pow2, when: {model.groups: 2}}
)",
              db);
    const int infeasible = count(db, "SELECT count(*) FROM trials WHERE feasible = 0");
    REQUIRE(infeasible > 0);
    // An infeasible trial trained no epoch: its one metric is its size.
    CHECK(count(db,
                "SELECT count(*) FROM trials t WHERE feasible = 0 AND epochs_run = 0 AND "
                "value IS NULL AND NOT EXISTS (SELECT 1 FROM epochs e WHERE e.trial_id = "
                "t.trial_id) AND (SELECT group_concat(name) FROM trial_metrics m WHERE "
                "m.trial_id = t.trial_id) = 'n_params'") == infeasible);
    CHECK(count(db,
                "SELECT count(*) FROM trials t JOIN trial_metrics m USING (trial_id) WHERE "
                "m.name = 'n_params' AND (m.value > 6000) = (t.feasible = 0)") == 14);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE feasible = 1 AND epochs_run > 0") ==
          14 - infeasible);
    // The kept weights and the ensemble's members are feasible trials.
    CHECK(count(db,
                "SELECT count(*) FROM weights w JOIN best_trials b USING (trial_id) JOIN trials "
                "t USING (trial_id) WHERE t.feasible = 1") == 1);
    CHECK(count(db,
                "SELECT count(*) FROM weights w JOIN trials t USING (trial_id) WHERE "
                "t.feasible = 0") == 0);
    CHECK(count(db,
                "SELECT count(*) FROM ensemble_members e JOIN trials t ON t.number = e.number "
                "AND t.study_id = e.study_id WHERE t.feasible = 0") == 0);
    CHECK(count(db, "SELECT count(*) FROM ensemble_members") > 0);
    auto r = run_tunelab("trials budget --storage " + db);
    CHECK(r.output.find("feasible") != std::string::npos);
    // A model never trained has nothing to rerun, and says why.
    SQLite::Database d(db);
    const int untrained =
        d.execAndGet("SELECT min(number) FROM trials WHERE feasible = 0").getInt();
    r = run_tunelab("rerun budget " + std::to_string(untrained) + " --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("infeasible: its model broke a bound of search.constraints and was never "
                        "trained") != std::string::npos);
    // Exported, Optuna reads the untrained trials as complete with the worst
    // value there is, and their constraint values.
    CHECK(optuna_reads(dir, db, "budget",
                       "sum(t.state.name == 'COMPLETE' for t in s.trials), sum(math.isinf(t.value) "
                       "and t.system_attrs['constraints'][0] > 0 for t in s.trials)") ==
          "14 " + std::to_string(infeasible) + "\n");
  }

  TEST_CASE("bad bounds are refused at their place, before anything runs") {
    ScratchDir dir;
    struct Case {
      std::string constraint, message, place;
    };
    const std::vector<Case> cases = {
        {"{metric: n_param, max: 100}", "unknown metric 'n_param' (did you mean 'n_params'?)",
         "bad.yaml:8:"},
        {"{metric: n_params}", "bounds nothing: give max, min or both", "bad.yaml:8:"},
        {"{metric: n_params, min: 10, max: 5}", "10 is above max 5: no trial could keep both",
         "bad.yaml:8:"},
        {"{metric: val_accuracy, max: 0.5}",
         "search.constraints[0].metric: val_accuracy is a classification metric", "bad.yaml:8:"},
        {"{metric: n_params, max: 5, limit: 3}", "limit", "bad.yaml:8:"},
    };
    for (const auto& c : cases) {
      const auto file = dir.write("bad.yaml", R"(name: bad
data: {dataset: diabetes, split: {train: 0.6, val: 0.2, test: 0.2}}
model: {name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: 1, c_hidden: [8]}
trainer: {epochs: 2}
search:
  trials: 3
  constraints:
    - )" + c.constraint + R"(
  space:
    trainer.lr: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
)");
      const std::string db = (dir.path() / "s.db").string();
      const auto r = run_tunelab("run " + file.string() + " --storage " + db);
      INFO(c.constraint << "\n" << r.output);
      CHECK(r.exit_status == 2);
      CHECK(r.output.find(c.message) != std::string::npos);
      CHECK(r.output.find(c.place) != std::string::npos);
      CHECK(!std::filesystem::exists(db));
    }
    // An objective function's constraints name its outputs.
    const auto objective = dir.write("objective.yaml", R"(name: o
objective: {name: zdt1, dimensions: 2}
search:
  objectives: [f2]
  constraints: [{metric: f3, max: 1}]
  space:
    objective.x0: {type: float, low: 0, high: 1}
    objective.x1: {type: float, low: 0, high: 1}
)");
    const auto r = run_tunelab("validate " + objective.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("objective 'zdt1': unknown output 'f3'") != std::string::npos);
  }
}
