// Known configurations first (search.enqueue, `tunelab enqueue`): they run
// as the first trials (or the next ones), with the sampler filling in the
// params they leave out, are marked in the store, and are checked against
// the space before anything runs.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>

#include "config/experiment_loader.h"
#include "runner/study/study.h"
#include "support.h"

namespace {

const char* kExperiment = R"(name: e
seed: 3
objective: {name: hartmann6}
search:
  trials: 8
  sampler: tpe
  space:
    objective.x0: {type: float, low: 0, high: 1}
    objective.x1: {type: float, low: 0, high: 1, step: 0.25}
    objective.x2: {type: float, low: 0, high: 1}
    objective.x3: {type: float, low: 0, high: 1}
    objective.x4: {type: float, low: 0, high: 1}
    objective.x5: {type: float, low: 0, high: 1}
)";

// (number, proposed_by, params) of every trial of the store's study, in order.
struct StoredTrial {
  int number;
  std::string proposed_by;
  nlohmann::json params;
};
std::vector<StoredTrial> stored_trials(const std::filesystem::path& db) {
  SQLite::Database d(db.string());
  SQLite::Statement q(d, "SELECT number, proposed_by, params_json FROM trials ORDER BY number");
  std::vector<StoredTrial> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(),
                   nlohmann::json::parse(q.getColumn(2).getString())});
  return out;
}

int rows_of(const std::filesystem::path& db, const std::string& table) {
  SQLite::Database d(db.string());
  return d.execAndGet("SELECT count(*) FROM " + table).getInt();
}

}  // namespace

TEST_SUITE("enqueue") {
  TEST_CASE("enqueued configurations run first, marked, their missing params sampled") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write(
        "e.yaml",
        std::string(kExperiment) +
            "  enqueue:\n"
            "    - {objective.x0: 0.20169, objective.x1: 0.25, objective.x2: 0.476874,\n"
            "       objective.x3: 0.275332, objective.x4: 0.311652, objective.x5: 0.6573}\n"
            "    - {objective.x0: 0.9}\n");
    const auto db = dir.path() / "s.db";
    const auto r =
        tunelab::test::run_tunelab("run " + file.string() + " --quiet --storage " + db.string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db.string());
    SQLite::Statement q(
        d, "SELECT number, proposed_by, params_json, value FROM trials ORDER BY number");
    std::vector<nlohmann::json> params;
    std::vector<std::string> by;
    while (q.executeStep()) {
      by.push_back(q.getColumn(1).getString());
      params.push_back(nlohmann::json::parse(q.getColumn(2).getString()));
    }
    REQUIRE(params.size() == 8);
    CHECK(by[0] == "enqueued");
    CHECK(by[1] == "enqueued");
    for (std::size_t k = 2; k < by.size(); ++k) CHECK(by[k] == "tpe");
    CHECK(params[0]["objective.x0"] == 0.20169);
    CHECK(params[0]["objective.x5"] == 0.6573);
    CHECK(params[1]["objective.x0"] == 0.9);
    // The rest of trial 1 came from the sampler, inside the space.
    REQUIRE(params[1].size() == 6);
    const double x1 = params[1]["objective.x1"].get<double>();
    CHECK(x1 * 4 == doctest::Approx(std::round(x1 * 4)));
    // Trial 0 is near the known minimum (x1 off it by 0.025).
    const auto best = tunelab::test::json_of("trials e --format json --storage " + db.string());
    REQUIRE(best.is_array());
    double first = 0;
    for (const auto& t : best)
      if (t["number"] == 0) first = t["value"].get<double>();
    CHECK(first < -3.0);
  }

  TEST_CASE("enqueued values outside the space are refused with their place, nothing run") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const struct {
      const char* entry;
      const char* message;
    } cases[] = {
        {"    - {objective.x0: 1.5}\n", "enqueue[0].objective.x0: 1.5 is outside the range 0 to 1"},
        {"    - {objective.x1: 0.3}\n", "0.3 is not on the steps of 0.25 from 0"},
        {"    - {objective.x9: 0.3}\n", "did you mean"},
        {"    - {objective.x0: fast}\n", "expected a number, got \"fast\""},
        {"    - {objective.x0: .nan}\n", "enqueue[0].objective.x0: expected a number, got NaN"},
        {"    - 0.5\n", "enqueue[0]: expected a mapping"},
        {"    - {objective.x0: 0.1}\n    - {objective.x0: 0.2}\n    - {objective.x0: 0.3}\n"
         "    - {objective.x0: 0.4}\n    - {objective.x0: 0.5}\n    - {objective.x0: 0.6}\n"
         "    - {objective.x0: 0.7}\n    - {objective.x0: 0.8}\n    - {objective.x0: 0.9}\n",
         "9 configurations to try first, but trials is 8"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.entry);
      const auto file = dir.write("e.yaml", std::string(kExperiment) + "  enqueue:\n" + c.entry);
      const auto r =
          tunelab::test::run_tunelab("run " + file.string() + " --quiet --storage " + db.string());
      CHECK(r.exit_status == 2);
      CHECK_MESSAGE(r.output.find(c.message) != std::string::npos, r.output);
      CHECK(r.output.find("e.yaml:") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(db));
    }
  }

  TEST_CASE("a choice, an integer and a power of 2 are checked as the space defines them") {
    const auto space = tunelab::read_search_space(nlohmann::json::parse(R"({
      "act": {"type": "categorical", "choices": ["relu", "gelu"]},
      "blocks": {"type": "int", "low": 1, "high": 6},
      "batch": {"type": "int", "low": 3, "high": 7, "transform": "pow2"}
    })"));
    const auto dimension = [&](const std::string& path) {
      for (const auto& d : space.dimensions)
        if (d.path == path) return d;
      FAIL("no dimension " << path);
      return tunelab::Dimension{};
    };
    const auto act = dimension("act"), blocks = dimension("blocks"), batch = dimension("batch");
    CHECK_FALSE(act.refusal("gelu"));
    CHECK(act.refusal("elu").value_or("").find("not one of the choices") != std::string::npos);
    CHECK_FALSE(blocks.refusal(6));
    CHECK(blocks.refusal(2.5).value_or("").find("expected an integer") != std::string::npos);
    CHECK(blocks.refusal(7).value_or("").find("outside the range 1 to 6") != std::string::npos);
    CHECK_FALSE(batch.refusal(32));
    CHECK(batch.refusal(48).value_or("").find("not a power of 2 from 8 to 128") !=
          std::string::npos);
    CHECK(batch.refusal(256));
    CHECK(batch.refusal(5));  // the exponent is not the value
  }

  TEST_CASE("tunelab enqueue: the study's next trials run what was added, in order") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write("e.yaml", kExperiment);
    const auto db = dir.path() / "s.db";
    const std::string storage = " --storage " + db.string();
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --quiet --trials 3" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);

    // Bad configurations: each refused with the flag and why, none added.
    const struct {
      const char* sets;
      const char* message;
    } bad[] = {
        {"--set objective.x0=1.5", "--set objective.x0=1.5: 1.5 is outside the range 0 to 1"},
        {"--set objective.x1=0.3", "0.3 is not on the steps of 0.25 from 0"},
        {"--set objective.x9=0.3", "did you mean"},
        {"--set objective.x0=fast", "expected a number, got \"fast\""},
        {"--set objective.x0", "expected a dimension of the study's space=value"},
        {"--set objective.x0=0.1 --set objective.x0=0.2", "objective.x0 is set twice"},
        {"", "give the configuration to try as --set key=value"},
    };
    for (const auto& c : bad) {
      CAPTURE(c.sets);
      r = tunelab::test::run_tunelab("enqueue e " + std::string(c.sets) + storage);
      CHECK(r.exit_status == 2);
      CHECK_MESSAGE(r.output.find(c.message) != std::string::npos, r.output);
    }
    r = tunelab::test::run_tunelab("enqueue nothere --set objective.x0=0.5" + storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no study 'nothere'") != std::string::npos);
    CHECK(rows_of(db, "enqueued") == 0);
    // enqueue never creates a store.
    r = tunelab::test::run_tunelab("enqueue e --set objective.x0=0.5 --storage " +
                                   (dir.path() / "other.db").string());
    CHECK(r.exit_status == 2);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "other.db"));

    r = tunelab::test::run_tunelab("enqueue e --set objective.x0=0.125" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("enqueued in study 'e': objective.x0=0.125") != std::string::npos);
    CHECK(r.output.find("--resume --trials 4") != std::string::npos);
    r = tunelab::test::run_tunelab(
        "enqueue e --set objective.x0=0.20169 --set objective.x1=0.25 --set objective.x2=0.476874 "
        "--set objective.x3=0.275332 --set objective.x4=0.311652 --set objective.x5=0.6573" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("--resume --trials 5") != std::string::npos);

    r = tunelab::test::run_tunelab("run " + file.string() + " --quiet --resume --trials 6" +
                                   storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto trials = stored_trials(db);
    REQUIRE(trials.size() == 6);
    CHECK(trials[3].proposed_by == "enqueued");
    CHECK(trials[3].params["objective.x0"] == 0.125);
    CHECK(trials[3].params.size() == 6);  // the rest sampled
    CHECK(trials[4].proposed_by == "enqueued");
    CHECK(trials[4].params["objective.x5"] == 0.6573);
    CHECK(trials[5].proposed_by == "tpe");
    SQLite::Database d(db.string());
    CHECK(d.execAndGet("SELECT group_concat(trial_number) FROM enqueued ORDER BY enqueued_id")
              .getString() == "3,4");
  }

  TEST_CASE("a running study picks up a configuration enqueued while it runs") {
    tunelab::test::ScratchDir dir;
    const auto db = dir.path() / "s.db";
    const tunelab::Experiment e = tunelab::load_experiment(dir.write("e.yaml", kExperiment));
    auto store = tunelab::Store::open("sqlite:///" + db.string());
    tunelab::StudyObserver observer;
    // After trial 2 finishes, as a user's `tunelab enqueue` would from
    // another process (a store of its own).
    observer.on_trial = [&](const tunelab::TrialReport& report) {
      if (report.number != 2) return;
      auto other = tunelab::Store::open("sqlite:///" + db.string());
      other->queue().enqueue(other->find_study("e")->id, {{"objective.x2", 0.75}});
    };
    tunelab::run_study(e, tunelab::test::builtins(), *store, {}, observer);
    const auto trials = stored_trials(db);
    REQUIRE(trials.size() == 8);
    for (const auto& t : trials) {
      CAPTURE(t.number);
      CHECK(t.proposed_by == (t.number == 3 ? "enqueued" : "tpe"));
    }
    CHECK(trials[3].params["objective.x2"] == 0.75);
  }

  TEST_CASE("enqueued trials under two workers: the same study every time") {
    tunelab::test::ScratchDir dir;
    const auto file =
        dir.write("e.yaml", std::string(kExperiment) +
                                "  workers: 2\n  enqueue:\n    - {objective.x0: 0.5}\n"
                                "    - {objective.x2: 0.25, objective.x3: 0.75}\n");
    std::vector<std::vector<StoredTrial>> runs;
    for (const char* store : {"a.db", "b.db"}) {
      const auto db = dir.path() / store;
      const auto r =
          tunelab::test::run_tunelab("run " + file.string() + " --quiet --storage " + db.string());
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      runs.push_back(stored_trials(db));
    }
    REQUIRE(runs[0].size() == 8);
    REQUIRE(runs[1].size() == 8);
    for (std::size_t k = 0; k < 8; ++k) {
      CAPTURE(k);
      CHECK(runs[0][k].proposed_by == (k < 2 ? "enqueued" : "tpe"));
      CHECK(runs[0][k].params == runs[1][k].params);
    }
    CHECK(runs[0][1].params["objective.x3"] == 0.75);
  }
}
