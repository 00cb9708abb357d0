// Conditional search spaces: a dimension with `when` is searched only where
// its parents took the listed values. Every sampler proposes only what is
// searched, reproducibly; inactive params are absent from the store and
// the Optuna export; enqueued configurations, warm starts and parallel
// workers work with them; and bad conditions are refused at their place.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "search/space.h"
#include "support.h"

namespace {

using tunelab::test::run_tunelab;
using tunelab::test::ScratchDir;

// Rosenbrock in 2 to 4 dimensions: x2 exists only in 3 or 4, x3 only in 4
// (the objective refuses an input beyond its dimensions).
const std::string kConditional = R"(name: conditional
seed: 3
objective: {name: rosenbrock}
search:
  trials: 30
  sampler: SAMPLER
  space:
    objective.dimensions: {type: int, low: 2, high: 4}
    objective.x0: {type: float, low: -2, high: 2}
    objective.x1: {type: float, low: -2, high: 2}
    objective.x2: {type: float, low: -2, high: 2, when: {objective.dimensions: [3, 4]}}
    objective.x3: {type: float, low: -2, high: 2, when: {objective.dimensions: 4}}
)";

std::string with_sampler(const std::string& sampler) {
  std::string text = kConditional;
  text.replace(text.find("SAMPLER"), 7, sampler);
  return text;
}

// The store of a study of kConditional with `sampler` (and `extra`
// arguments), run in `dir`; fails the test when the run fails.
std::string stored_study(const ScratchDir& dir, const std::string& sampler,
                         const std::string& extra = "") {
  const auto file = dir.write("c.yaml", with_sampler(sampler));
  const std::string db = (dir.path() / "s.db").string();
  const auto r = run_tunelab("run " + file.string() + " --quiet --storage " + db + extra);
  REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  return db;
}

// Every trial's number, state, params and value, one line each.
std::string trial_lines(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(d,
                      "SELECT number, state, params_json, quote(value) FROM trials ORDER BY "
                      "number");
  std::string out;
  while (q.executeStep())
    out += q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
           q.getColumn(2).getString() + " " + q.getColumn(3).getString() + "\n";
  return out;
}

// Each trial's params hold x2 exactly where dimensions >= 3 and x3 where it
// is 4; every trial completed.
void check_only_active(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(d, "SELECT state, params_json FROM trials");
  int trials = 0;
  std::set<int> dimensions_seen;
  while (q.executeStep()) {
    ++trials;
    INFO(q.getColumn(1).getString());
    CHECK(q.getColumn(0).getString() == "COMPLETE");
    const auto params = nlohmann::json::parse(q.getColumn(1).getString());
    const int dimensions = params.at("objective.dimensions").get<int>();
    dimensions_seen.insert(dimensions);
    CHECK(params.contains("objective.x0"));
    CHECK(params.contains("objective.x2") == (dimensions >= 3));
    CHECK(params.contains("objective.x3") == (dimensions == 4));
  }
  CHECK(trials > 0);
  CHECK(dimensions_seen.size() == 3);  // every branch was searched
}

}  // namespace

TEST_SUITE("conditional spaces") {
  TEST_CASE(
      "every sampler proposes only the dimensions the parents' values leave searched, "
      "reproducibly") {
    ScratchDir dir;
    for (const std::string sampler :
         {"random", "sobol", "lhs", "tpe", "gp", "nsga2", "auto", "{name: grid, points: 3}"}) {
      INFO(sampler);
      const auto file = dir.write("c.yaml", with_sampler(sampler));
      std::string first;
      for (const std::string run : {"a", "b"}) {
        const std::string db = (dir.path() / (run + ".db")).string();
        std::filesystem::remove(db);
        const auto r = run_tunelab("run " + file.string() + " --quiet --storage " + db);
        REQUIRE_MESSAGE(r.exit_status == 0, r.output);
        check_only_active(db);
        if (run == "a")
          first = trial_lines(db);
        else
          CHECK(trial_lines(db) == first);
      }
    }
  }

  TEST_CASE("grid search enumerates each searched combination once and then stops") {
    ScratchDir dir;
    const auto file = dir.write("c.yaml", with_sampler("{name: grid, points: 3}"));
    const std::string db = (dir.path() / "g.db").string();
    const auto r = run_tunelab("run " + file.string() + " --trials 500 --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    // 3 x 3 for two dimensions, 27 for three, 81 for four: 117, where the
    // whole box has 243 points.
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT count(*) FROM trials").getInt() == 117);
    CHECK(d.execAndGet("SELECT count(DISTINCT params_json) FROM trials").getInt() == 117);
    CHECK(r.output.find("(stopped: space exhausted)") != std::string::npos);
  }

  TEST_CASE("a space lists parents first and keeps what their values leave searched") {
    // In the file's (alphabetical) order x3 would come before its parent z.
    tunelab::SearchSpace space = tunelab::read_search_space(nlohmann::json::parse(R"({
      "objective.z": {"type": "int", "low": 2, "high": 4},
      "objective.x3": {"type": "float", "low": -2, "high": 2,
                       "when": {"objective.z": 4}}})"));
    REQUIRE(space.dimensions.front().path == "objective.z");
    CHECK(space.active(space.dimensions[1], {{"objective.z", 4}}));
    CHECK(!space.active(space.dimensions[1], {{"objective.z", 3}}));
    CHECK(space.active_only({{"objective.z", 3}, {"objective.x3", 0.5}}) ==
          tunelab::Params{{"objective.z", 3}});
    CHECK(space.missing({{"objective.z", 4}}) == std::vector<std::string>{"objective.x3"});
    CHECK(space.missing({{"objective.z", 2}}).empty());
  }

  TEST_CASE(
      "inactive params are absent from the Optuna export, which Optuna reads, and importance "
      "judges them where searched") {
    ScratchDir dir;
    const std::string db = stored_study(dir, "tpe");
    // Importance judges each dimension on the trials that searched it.
    auto r = run_tunelab("importance conditional --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("among the trials that searched it") != std::string::npos);
    CHECK(r.output.find("objective.x3") != std::string::npos);
    const std::string out = (dir.path() / "optuna.db").string();
    r = run_tunelab("export conditional --optuna " + out + " --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database exported(out);
    // One row per trial and searched param: x2 only in the trials of 3 or 4
    // dimensions.
    SQLite::Database store(db);
    const int searched_x2 =
        store.execAndGet("SELECT count(*) FROM trials WHERE params_json LIKE '%objective.x2%'")
            .getInt();
    CHECK(exported.execAndGet("SELECT count(*) FROM trial_params WHERE param_name = 'objective.x2'")
              .getInt() == searched_x2);
    CHECK(searched_x2 < 30);
    const auto read = tunelab::test::run_shell(
        "/usr/bin/python3 -c \"import optuna; s = optuna.load_study(study_name='conditional', "
        "storage='sqlite:///" +
        out + "'); print(sum('objective.x3' in t.params for t in s.trials), len(s.trials))\" 2>&1");
    if (read.output.find("No module named") != std::string::npos) {
      MESSAGE("skipped: Optuna is not installed");
      return;
    }
    const int searched_x3 =
        store.execAndGet("SELECT count(*) FROM trials WHERE params_json LIKE '%objective.x3%'")
            .getInt();
    CHECK(read.output == std::to_string(searched_x3) + " 30\n");
  }

  TEST_CASE("workers and warm starts work with conditional spaces, the same trials both ways") {
    ScratchDir dir;
    const auto file = dir.write("c.yaml", with_sampler("tpe"));
    const auto run = [&](const std::string& name, const std::string& how) {
      const std::string db = (dir.path() / (name + ".db")).string();
      const auto r = run_tunelab("run " + file.string() + " --quiet --storage " + db + how);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      check_only_active(db);
      return trial_lines(db);
    };
    const std::string parallel = run("parallel", " --workers 2");
    CHECK(parallel == run("one", " --set search.workers=2"));
    // A warm start from that study: its trials reach the sampler, inactive
    // dimensions and all.
    const std::string db = (dir.path() / "parallel.db").string();
    const auto r = run_tunelab("run " + file.string() +
                               " --study warm --set "
                               "search.warm_start.study=conditional --storage " +
                               db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("warm start: the sampler also saw 30 trials of study 'conditional'") !=
          std::string::npos);
  }

  TEST_CASE("an enqueued configuration sets only searched dimensions, with their parents") {
    ScratchDir dir;
    const std::string db = stored_study(dir, "random", " --trials 2");
    auto r = run_tunelab("enqueue conditional --set objective.x3=1 --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("objective.x3 is searched only where objective.dimensions is 4: set "
                        "objective.dimensions too") != std::string::npos);
    r = run_tunelab(
        "enqueue conditional --set objective.dimensions=3 --set objective.x3=1 "
        "--storage " +
        db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("objective.x3 is searched only where objective.dimensions is 4, and this "
                        "configuration sets objective.dimensions to 3") != std::string::npos);
    // Accepted: the sampler fills in x0, x1 and x2 (searched for 4), not more.
    r = run_tunelab(
        "enqueue conditional --set objective.dimensions=4 --set objective.x3=1 "
        "--storage " +
        db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = run_tunelab("run " + (dir.path() / "c.yaml").string() +
                    " --resume --trials 3 --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db);
    const auto params = nlohmann::json::parse(
        d.execAndGet("SELECT params_json FROM trials WHERE number = 2").getString());
    CHECK(params.size() == 5);
    CHECK(params.at("objective.x3") == 1.0);
  }

  TEST_CASE("bad conditions are refused at their place, before anything runs") {
    ScratchDir dir;
    struct Case {
      std::string when, message;
    };
    const std::vector<Case> cases = {
        {"{objective.dimension: 4}",
         "unknown searched path (a dimension of search.space) 'objective.dimension' (did you "
         "mean 'objective.dimensions'?)"},
        {"{objective.dimensions: 5}",
         "objective.dimensions never takes this value: 5 is outside the range 2 to 4"},
        {"{objective.x0: 1}",
         "objective.x0 is a float dimension: a condition needs an int or "
         "categorical one"},
        {"{objective.x3: 1}", "a dimension cannot be conditioned on itself"},
        {"[4]", "expected a mapping from searched paths to a value or a list of values"},
    };
    for (const auto& c : cases) {
      std::string text = kConditional;
      text.replace(text.find("SAMPLER"), 7, "random");
      text.replace(text.find("{objective.dimensions: 4}"), 25, c.when);
      const auto file = dir.write("bad.yaml", text);
      const std::string db = (dir.path() / "s.db").string();
      const auto r = run_tunelab("run " + file.string() + " --storage " + db);
      INFO(c.when << "\n" << r.output);
      CHECK(r.exit_status == 2);
      CHECK(r.output.find(c.message) != std::string::npos);
      CHECK(r.output.find("bad.yaml:12:") != std::string::npos);
      CHECK(!std::filesystem::exists(db));
    }
    // A cycle: x2 on x3 and x3 on x2 (both made categorical to be parents).
    const auto cycle = dir.write("cycle.yaml", R"(name: cycle
objective: {name: rosenbrock, dimensions: 4}
search:
  space:
    objective.x2: {type: categorical, choices: [0, 1], when: {objective.x3: 1}}
    objective.x3: {type: categorical, choices: [0, 1], when: {objective.x2: 1}}
)");
    const auto r = run_tunelab("validate " + cycle.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("the conditions form a cycle through objective.x2") != std::string::npos);
  }
}

TEST_SUITE("conditional spaces") {
  TEST_CASE("a list searched element by element, its length searched too: widths per group") {
    ScratchDir dir;
    const std::string widths = R"(name: widths
seed: 5
data: {dataset: diabetes, split: {train: 0.6, val: 0.2, test: 0.2}, standardize: {x: true, y: true}}
model: {name: resnet, block: ResNetBlock, act_fn: relu, num_blocks: 1, c_hidden: [32, 32, 32]}
trainer: {optimizer: adam, lr: 3.0e-3, batch_size: 64, epochs: 4}
search:
  trials: 12
  sampler: tpe
  space:
    model.groups: {type: int, low: 1, high: 3}
    model.c_hidden[0]: {type: int, low: 3, high: 5, transform: pow2}
    model.c_hidden[1]: {type: int, low: 3, high: 5, transform: pow2, when: {model.groups: [2, 3]}}
    model.c_hidden[2]: {type: int, low: 3, high: 5, transform: pow2, when: {model.groups: 3}}
)";
    const auto file = dir.write("widths.yaml", widths);
    const std::string db = (dir.path() / "w.db").string();
    auto r = run_tunelab("run " + file.string() + " --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    // Every trial built a network of `groups` groups (a list of another
    // length would have been refused), each width its own.
    SQLite::Database d(db);
    SQLite::Statement q(d, "SELECT state, params_json FROM trials");
    std::set<int> groups_seen;
    while (q.executeStep()) {
      INFO(q.getColumn(1).getString());
      CHECK(q.getColumn(0).getString() == "COMPLETE");
      const auto params = nlohmann::json::parse(q.getColumn(1).getString());
      const int groups = params.at("model.groups").get<int>();
      groups_seen.insert(groups);
      CHECK(params.contains("model.c_hidden[1]") == (groups >= 2));
      CHECK(params.contains("model.c_hidden[2]") == (groups == 3));
    }
    CHECK(groups_seen.size() == 3);
    // The best trial's network, as predict rebuilds it: one group per width.
    r = run_tunelab("best widths --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);

    // An index beyond the file's list is refused at its place.
    std::string beyond = widths;
    beyond += "    model.c_hidden[3]: {type: int, low: 3, high: 5, transform: pow2}\n";
    const auto bad = dir.write("beyond.yaml", beyond);
    r = run_tunelab("validate " + bad.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("index 3 is beyond the list's 3 elements (0 to 2)") != std::string::npos);
    CHECK(r.output.find("beyond.yaml:14:") != std::string::npos);
  }
}
