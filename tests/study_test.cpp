// Tuning studies end to end: sampler, trials, store, resume.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "common/errors.h"
#include "config/experiment_loader.h"
#include "runner/stored/refusal.h"
#include "runner/study/study.h"
#include "store/schema.h"
#include "support.h"
#include "test_paths.h"

namespace {

using tunelab::TrialState;

const std::string kQuickstart = "experiments/quickstart.yaml";

tunelab::Experiment experiment(const std::string& file, const std::vector<std::string>& sets = {}) {
  return tunelab::load_experiment(std::string(tunelab::test::kSourceDir) + "/" + file, sets);
}

struct StudyRun {
  tunelab::test::ScratchDir dir;
  std::unique_ptr<tunelab::Store> store;
  tunelab::StudySummary summary;

  std::string db() const { return (dir.path() / "t.db").string(); }
};

std::unique_ptr<StudyRun> run(const tunelab::Experiment& e, tunelab::StudyOptions options = {}) {
  auto r = std::make_unique<StudyRun>();
  r->store = tunelab::Store::open("sqlite:///" + r->db());
  r->summary = tunelab::run_study(e, tunelab::test::builtins(), *r->store, options);
  return r;
}

// Every trial's params and every epoch's losses, as stored, in a comparable form.
std::vector<std::string> stored_rows(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(
      d,
      "SELECT t.number, t.state, t.params_json, e.epoch, e.train_loss, e.val_loss "
      "FROM trials t LEFT JOIN epochs e USING (trial_id) ORDER BY t.number, e.epoch");
  std::vector<std::string> rows;
  while (q.executeStep()) {
    std::string row;
    for (int i = 0; i < 6; ++i) {
      const auto c = q.getColumn(i);
      // %a prints a double exactly: equal text means bit-identical values.
      char exact[64];
      std::snprintf(exact, sizeof exact, "%a", c.getDouble());
      row += (c.isFloat() ? std::string(exact) : c.getString()) + "|";
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_SUITE("studies") {
  TEST_CASE(
      "the same experiment twice into two stores gives identical params and bit-identical losses") {
    const auto e = experiment(kQuickstart, {"search.trials=4", "trainer.epochs=5"});
    const auto a = run(e);
    const auto b = run(e);
    CHECK(a->summary.complete == 4);
    const auto rows_a = stored_rows(a->db());
    CHECK(rows_a.size() >= 4 * 5 - 4 * 4);  // early stopping may shorten a trial
    CHECK(rows_a == stored_rows(b->db()));
    const auto c = run(experiment(kQuickstart, {"search.trials=4", "trainer.epochs=5", "seed=2"}));
    CHECK(rows_a != stored_rows(c->db()));
  }

  TEST_CASE("every trial lands in the store with params, curve, metrics and provenance") {
    tunelab::StudyOptions two_threads;
    two_threads.threads = 2;
    const auto r =
        run(experiment(kQuickstart, {"search.trials=3", "trainer.epochs=4"}), two_threads);
    SQLite::Database d(r->db());
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt() == 3);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_params").getInt() == 3 * 5);  // 5 dimensions
    CHECK(d.execAndGet("SELECT count(DISTINCT trial_id) FROM epochs").getInt() == 3);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE value IS NULL OR test_loss IS NULL "
                       "OR best_epoch IS NULL OR duration_s IS NULL")
              .getInt() == 0);
    CHECK(
        d.execAndGet("SELECT min(value_real) >= 1e-4 AND max(value_real) <= 3e-2 FROM trial_params "
                     "WHERE name = 'trainer.lr'")
            .getInt() == 1);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_params WHERE name = 'trainer.batch_size' "
                       "AND value_real NOT IN (16, 32, 64)")
              .getInt() == 0);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_params WHERE name = 'model.block' "
                       "AND value_text IN ('ResNetBlock', 'PreActResNetBlock')")
              .getInt() == 3);
    CHECK(d.execAndGet("SELECT libtorch_version FROM provenance").getString().rfind("1.", 0) == 0);
    CHECK(d.execAndGet("SELECT dataset_digest FROM provenance").getString().size() == 16);
    CHECK(d.execAndGet("SELECT threads FROM provenance").getInt() == 2);
    CHECK(d.execAndGet("SELECT version FROM schema_version").getInt() == tunelab::kSchemaVersion);
    CHECK(d.execAndGet("PRAGMA journal_mode").getString() == "wal");
    // Each trial's value is its best validation loss, and its curve agrees.
    CHECK(d.execAndGet("SELECT count(*) FROM trials t WHERE abs(t.value - (SELECT min(val_loss) "
                       "FROM epochs e "
                       "WHERE e.trial_id = t.trial_id)) > 1e-12")
              .getInt() == 0);
  }

  TEST_CASE(
      "a trial whose loss becomes NaN is recorded FAIL with its reason and the study goes on") {
    const auto r =
        run(experiment("experiments/diabetes_resnet.yaml",
                       {"data.standardize.y=false", "trainer.optimizer=sgd", "trainer.epochs=3",
                        "search={trials: 2, sampler: grid, space: {trainer.lr: {type: categorical, "
                        "choices: [1.0e-9, 1.0e+7]}}}"}));
    CHECK(r->summary.complete == 1);
    CHECK(r->summary.failed == 1);
    SQLite::Database d(r->db());
    CHECK(d.execAndGet("SELECT error FROM trials t JOIN trial_params p USING (trial_id) WHERE "
                       "p.value_real = 1e7")
              .getString() == "training loss became NaN in epoch 1");
    CHECK(d.execAndGet("SELECT value FROM trials WHERE state = 'FAIL'").isNull());
  }

  TEST_CASE("grid search visits every combination once and then stops") {
    const auto r = run(experiment(
        kQuickstart, {"trainer.epochs=2",
                      "search={trials: 50, sampler: grid, space: {"
                      "model.act_fn: {type: categorical, choices: [relu, elu, gelu]}, "
                      "trainer.batch_size: {type: int, low: 4, high: 5, transform: pow2}}}"}));
    CHECK(r->summary.complete == 6);
    CHECK(r->summary.stopped_because == tunelab::StopReason::space_exhausted);
    SQLite::Database d(r->db());
    CHECK(d.execAndGet("SELECT count(DISTINCT params_json) FROM trials").getInt() == 6);
  }

  TEST_CASE("the time budget stops a study between trials") {
    const auto r = run(experiment(kQuickstart, {"search.trials=1000", "search.timeout=0.2s"}));
    CHECK(r->summary.stopped_because == tunelab::StopReason::timeout);
    CHECK(r->summary.ran_now >= 1);
    CHECK(r->summary.ran_now < 1000);
  }

  TEST_CASE("resume marks trials left RUNNING as FAIL and fills the budget with finished trials") {
    const auto e = experiment(kQuickstart, {"search.trials=3", "trainer.epochs=2"});
    tunelab::test::ScratchDir dir;
    const std::string url = "sqlite:///" + (dir.path() / "t.db").string();
    {
      auto store = tunelab::Store::open(url);
      tunelab::run_study(e, tunelab::test::builtins(), *store, {"", 2, false});
      // A process that died in the middle of trial 2:
      const auto study = store->find_study("quickstart");
      store->queue().start_trial(study->id, 2, 99, {{"trainer.lr", 0.001}}, "cpu");
    }
    auto store = tunelab::Store::open(url);
    CHECK_THROWS_WITH_AS(tunelab::run_study(e, tunelab::test::builtins(), *store, {}),
                         doctest::Contains("study 'quickstart' already exists"),
                         tunelab::InputError);
    const auto summary =
        tunelab::run_study(e, tunelab::test::builtins(), *store, {"", std::nullopt, true});
    CHECK(summary.ran_now == 1);
    CHECK(summary.complete == 3);
    CHECK(summary.failed == 1);
    SQLite::Database d(dir.path() / "t.db");
    CHECK(d.execAndGet("SELECT error FROM trials WHERE number = 2")
              .getString()
              .rfind("interrupted", 0) == 0);
    CHECK(d.execAndGet("SELECT state FROM trials WHERE number = 3").getString() == "COMPLETE");
    CHECK_THROWS_WITH_AS(
        tunelab::run_study(experiment(kQuickstart, {"search.trials=3", "trainer.epochs=3"}),
                           tunelab::test::builtins(), *store, {"", std::nullopt, true}),
        doctest::Contains("was started from a different configuration"), tunelab::InputError);
  }

  TEST_CASE("the runner refuses with facts and no option names, which the CLI words") {
    const auto e = experiment(kQuickstart, {"search.trials=1", "trainer.epochs=1"});
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "t.db").string();
    auto store = tunelab::Store::open("sqlite:///" + db);
    tunelab::run_study(e, tunelab::test::builtins(), *store, {});
    const auto refusal_of = [&](const tunelab::StudyOptions& options) {
      try {
        tunelab::run_study(e, tunelab::test::builtins(), *store, options);
      } catch (const tunelab::RefusedError& refused) {
        CHECK(std::string(refused.what()).find("--") == std::string::npos);
        return refused;
      }
      FAIL("not refused");
      throw std::logic_error("unreachable");
    };
    const auto exists = refusal_of({});
    CHECK(exists.reason() == tunelab::Refusal::study_exists);
    CHECK(exists.facts().study == "quickstart");
    tunelab::StudyOptions threads;
    threads.study_name = "other";
    threads.threads = 0;
    const auto bad_threads = refusal_of(threads);
    CHECK(bad_threads.reason() == tunelab::Refusal::threads_out_of_range);
    CHECK(bad_threads.facts().number == 0);
    // The CLI says which of its options put it right.
    const auto r = tunelab::test::run_tunelab(std::string("run ") + tunelab::test::kSourceDir +
                                              "/experiments/quickstart.yaml --trials 1 "
                                              "--set trainer.epochs=1 --storage " +
                                              db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("study 'quickstart' already exists in ") != std::string::npos);
    CHECK(r.output.find("(--resume continues it; --study NAME starts another)") !=
          std::string::npos);
  }

  TEST_CASE("a store from a newer tunelab or another program is refused") {
    tunelab::test::ScratchDir dir;
    const auto path = dir.path() / "t.db";
    { tunelab::Store::open("sqlite:///" + path.string()); }
    {
      SQLite::Database d(path.string(), SQLite::OPEN_READWRITE);
      d.exec("UPDATE schema_version SET version = 99");
    }
    CHECK_THROWS_WITH_AS(tunelab::Store::open("sqlite:///" + path.string()),
                         doctest::Contains("written by a newer tunelab (schema version 99"),
                         tunelab::InputError);
    const auto other = dir.path() / "other.db";
    {
      SQLite::Database d(other.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      d.exec("CREATE TABLE studies (x)");
    }
    CHECK_THROWS_WITH_AS(tunelab::Store::open(other.string()),
                         doctest::Contains("not a tunelab store"), tunelab::InputError);
    CHECK_THROWS_WITH_AS(
        tunelab::Store::open("sqlite:///" + (dir.path() / "no/such/t.db").string()),
        doctest::Contains("does not exist"), tunelab::InputError);
    CHECK_THROWS_WITH_AS(tunelab::Store::open("postgresql://u:pw@/db?host=/no/such/dir"),
                         doctest::Contains("postgresql://u@/db?host=/no/such/dir: cannot connect"),
                         tunelab::InputError);
  }
}

TEST_SUITE("docs") {
  TEST_CASE("every SQL recipe in docs/store.md runs and returns rows") {
    const auto r = run(experiment(kQuickstart, {"search.trials=4", "trainer.epochs=3"}));
    std::ifstream doc(std::string(tunelab::test::kSourceDir) + "/docs/store.md");
    std::string line, sql;
    bool in_block = false;
    int recipes = 0;
    SQLite::Database d(r->db());
    while (std::getline(doc, line)) {
      if (line == "```sql") {
        in_block = true;
        sql.clear();
      } else if (in_block && line == "```") {
        in_block = false;
        ++recipes;
        INFO(sql);
        SQLite::Statement q(d, sql);
        CHECK(q.executeStep());
      } else if (in_block) {
        sql += line + "\n";
      }
    }
    CHECK(recipes >= 5);
  }
}
