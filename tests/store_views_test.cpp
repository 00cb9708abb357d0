// The store's SQL views, and stores written by an older tunelab.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include "store/schema.h"
#include "store/store.h"
#include "support.h"

namespace {

struct Stored {
  tunelab::test::ScratchDir dir;
  std::string db;
};

// A quickstart study of 3 trials of 3 epochs (`more`: further options).
tunelab::test::CommandResult quickstart(const std::string& db, const std::string& study,
                                        const std::string& more = "") {
  return tunelab::test::run_tunelab(
      "run experiments/quickstart.yaml --set search.trials=3 --set trainer.epochs=3 --quiet "
      "--study " +
      study + " --storage " + db + more);
}

std::unique_ptr<Stored> two_studies() {
  auto s = std::make_unique<Stored>();
  s->db = (s->dir.path() / "s.db").string();
  for (const std::string study : {"first", "second"}) {
    const auto r = quickstart(s->db, study);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
  }
  return s;
}

// The store as an older tunelab wrote it: without the views (which the next
// run's migration makes), with `changes` made, at schema `version`.
void as_written_by_version(const std::string& db, int version, const std::string& changes) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE);
  d.exec("DROP VIEW trial_summary; DROP VIEW best_trials; DROP VIEW loss_curves; " + changes +
         "; UPDATE schema_version SET version = " + std::to_string(version));
}

}  // namespace

TEST_SUITE("store views") {
  TEST_CASE(
      "trial_summary has a column per param, best_trials one row per study, loss_curves "
      "every epoch") {
    const auto s = two_studies();
    SQLite::Database d(s->db);
    SQLite::Statement summary(
        d,
        "SELECT study, number, value, \"trainer.lr\", \"model.block\" FROM trial_summary "
        "WHERE study = 'first' ORDER BY number");
    int rows = 0;
    for (; summary.executeStep(); ++rows) {
      const int number = summary.getColumn(1).getInt();
      SQLite::Statement param(d,
                              "SELECT p.value_real FROM trial_params p JOIN trials t USING "
                              "(trial_id) JOIN studies s USING (study_id) "
                              "WHERE s.name = 'first' AND t.number = ? AND p.name = 'trainer.lr'");
      param.bind(1, number);
      REQUIRE(param.executeStep());
      CHECK(summary.getColumn(3).getDouble() == param.getColumn(0).getDouble());
      const std::string block = summary.getColumn(4).getString();
      CHECK((block == "ResNetBlock" || block == "PreActResNetBlock"));
    }
    CHECK(rows == 3);

    SQLite::Statement best(d, "SELECT study, number, value FROM best_trials ORDER BY study");
    for (const std::string study : {"first", "second"}) {
      REQUIRE(best.executeStep());
      CHECK(best.getColumn(0).getString() == study);
      SQLite::Statement min(d,
                            "SELECT number, min(value) FROM trials JOIN studies USING (study_id) "
                            "WHERE name = ? AND state = 'COMPLETE'");
      min.bind(1, study);
      REQUIRE(min.executeStep());
      CHECK(best.getColumn(1).getInt() == min.getColumn(0).getInt());
      CHECK(best.getColumn(2).getDouble() == min.getColumn(1).getDouble());
    }
    CHECK_FALSE(best.executeStep());

    CHECK(d.execAndGet("SELECT count(*) FROM loss_curves").getInt() ==
          d.execAndGet("SELECT count(*) FROM epochs").getInt());
    CHECK(d.execAndGet("SELECT max(epoch) FROM loss_curves WHERE study = 'second' AND trial = 1")
              .getInt() == 3);
  }

  TEST_CASE("param names with quotes become columns of trial_summary") {
    tunelab::test::ScratchDir dir;
    const auto store = tunelab::Store::open((dir.path() / "s.db").string());
    nlohmann::json config = {{"search", {{"space", {{"odd\"name's", {{"type", "float"}}}}}}}};
    const auto study = store->create_study({"q", 1, 1, config, config, "x.yaml"});
    store->queue().start_trial(study.id, 0, 7, {{"odd\"name's", 0.25}}, "cpu");
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT \"odd\"\"name's\" FROM trial_summary").getDouble() == 0.25);
  }

  TEST_CASE("a version 1 store is queried as it is, and the next run migrates it") {
    const auto s = two_studies();
    // What a version 1 tunelab wrote: no weights table, no views.
    as_written_by_version(s->db, 1, "DROP TABLE weights");
    auto r = tunelab::test::run_tunelab("trials first --storage " + s->db);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("\n2       COMPLETE") != std::string::npos);
    r = tunelab::test::run_shell("\"$TUNELAB\" best second --format json --storage " + s->db);
    CHECK(r.exit_status == 0);
    CHECK(nlohmann::json::parse(r.output)["weights"].is_null());  // none in a version 1 store
    {
      SQLite::Database d(s->db);
      CHECK(d.execAndGet("SELECT version FROM schema_version").getInt() == 1);
    }

    r = quickstart(s->db, "first", " --resume --trials 4");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(s->db);
    CHECK(d.execAndGet("SELECT version FROM schema_version").getInt() == tunelab::kSchemaVersion);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_summary WHERE study = 'first'").getInt() == 4);
    CHECK(d.execAndGet("SELECT count(*) FROM best_trials").getInt() == 2);
  }

  TEST_CASE(
      "a version 3 store's interrupted trials, told then by their error, are marked and not "
      "counted after the migration") {
    const auto s = two_studies();
    // What a version 3 tunelab wrote: trial 1 abandoned by a stopped
    // process, trial 2 failed in training.
    const std::string first = "(SELECT study_id FROM studies WHERE name = 'first')";
    as_written_by_version(
        s->db, 3,
        "ALTER TABLE trials DROP COLUMN interrupted; "
        "UPDATE trials SET state = 'FAIL', error = 'interrupted: left RUNNING by a tunelab that "
        "stopped' WHERE number = 1 AND study_id = " +
            first +
            "; UPDATE trials SET state = 'FAIL', error = 'LibTorch: out of memory' WHERE number = "
            "2 AND study_id = " +
            first);
    // Read as it is.
    auto r = tunelab::test::run_tunelab("trials first --format csv --storage " + s->db);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("FAIL") != std::string::npos);
    {
      SQLite::Database d(s->db);
      CHECK(d.execAndGet("SELECT version FROM schema_version").getInt() == 3);
    }

    r = quickstart(s->db, "first", " --resume --trials 4");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(s->db);
    CHECK(d.execAndGet("SELECT version FROM schema_version").getInt() == tunelab::kSchemaVersion);
    CHECK(d.execAndGet("SELECT interrupted FROM trials WHERE number = 1 AND study_id = " + first)
              .getInt() == 1);
    CHECK(d.execAndGet("SELECT interrupted FROM trials WHERE number = 2 AND study_id = " + first)
              .getInt() == 0);
    // 4 counted: trial 0, the failed trial 2 and two new ones; trial 1 does
    // not count.
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE study_id = " + first).getInt() == 5);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE interrupted = 1").getInt() == 1);
  }
}
