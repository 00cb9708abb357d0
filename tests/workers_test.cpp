// Parallel studies: several worker processes on one SQLite store claim each
// trial once, keep the budget exact, give the same trials whichever worker
// finishes first, and take over the trial of a worker that was lost
// (storage_test.cpp runs the same against PostgreSQL).

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "support.h"
#include "test_paths.h"

namespace {

// Every trial's number, state, params and value, one line each.
std::string trial_lines(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(
      d, "SELECT number, state, params_json, quote(value) FROM trials ORDER BY number");
  std::string out;
  while (q.executeStep())
    out += q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
           q.getColumn(2).getString() + " " + q.getColumn(3).getString() + "\n";
  return out;
}

int count(const std::string& db, const std::string& sql) {
  SQLite::Database d(db);
  return d.execAndGet(sql).getInt();
}

// Branin with TPE: every proposal after the tenth depends on the history.
const std::string kBranin = "experiments/branin.yaml --set search.sampler=tpe --quiet";

}  // namespace

TEST_SUITE("workers") {
  TEST_CASE("4 workers on one SQLite file record 200 trials exactly once, numbered 0 to 199") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "w.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run " + kBranin + " --set search.trials=200 --workers 4 --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("locked") == std::string::npos);
    CHECK(r.output.find("200 complete, 0 pruned, 0 failed") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM trials") == 200);
    CHECK(count(db, "SELECT count(DISTINCT number) FROM trials") == 200);
    CHECK(count(db, "SELECT min(number) FROM trials") == 0);
    CHECK(count(db, "SELECT max(number) FROM trials") == 199);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") == 200);
    // The work was shared, each trial naming the process that ran it.
    CHECK(count(db, "SELECT count(DISTINCT worker) FROM trials") >= 2);
    SQLite::Database d(db);
    CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(d.execAndGet("PRAGMA journal_mode").getString() == "wal");
  }

  TEST_CASE("a study's trials do not depend on which worker finished first") {
    tunelab::test::ScratchDir dir;
    const auto run = [&](const std::string& name, const std::string& how) {
      const std::string db = (dir.path() / (name + ".db")).string();
      const auto r = tunelab::test::run_tunelab("run " + kBranin +
                                                " --set search.trials=60 --storage " + db + how);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      return trial_lines(db);
    };
    const std::string first = run("a", " --workers 3");
    CHECK(first == run("b", " --workers 3"));
    // One process that lets each trial see what 3 workers would: the same.
    CHECK(first == run("c", " --set search.workers=3"));
    // Seeing every earlier trial is another study.
    CHECK(first != run("d", ""));
  }

  TEST_CASE("more workers than trials still run exactly the budget") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "w.db").string();
    const auto r = tunelab::test::run_tunelab("run " + kBranin +
                                              " --set search.trials=3 --workers 5 --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(count(db, "SELECT count(*) FROM trials") == 3);
  }

  TEST_CASE("a trial whose worker elsewhere fell silent is re-queued once, then failed") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    REQUIRE(tunelab::test::run_tunelab("run " + kBranin + " --set search.trials=3 --storage " + db)
                .exit_status == 0);
    const auto lost_trial = [&](int number, int attempts) {
      SQLite::Database d(db, SQLite::OPEN_READWRITE);
      d.exec(
          "INSERT INTO trials (study_id, number, state, seed, params_json, started_at, "
          "heartbeat_at, worker, attempts) VALUES (1, " +
          std::to_string(number) +
          ", 'RUNNING', 7, '{\"objective.x0\": 3.0, \"objective.x1\": 2.0}', "
          "'2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'elsewhere:123', " +
          std::to_string(attempts) + ")");
      d.exec("UPDATE studies SET trials_wanted = trials_wanted + 1");
    };
    lost_trial(3, 1);
    auto r = tunelab::test::run_tunelab("worker --study branin --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT state FROM trials WHERE number = 3").getString() == "COMPLETE");
    CHECK(d.execAndGet("SELECT attempts FROM trials WHERE number = 3").getInt() == 2);
    // Run again with its stored params (Branin at (3, 2)), not new ones.
    CHECK(d.execAndGet("SELECT value FROM trials WHERE number = 3").getDouble() ==
          doctest::Approx(0.644534).epsilon(1e-5));

    lost_trial(4, 2);  // lost before: not again
    r = tunelab::test::run_tunelab("worker --study branin --quiet --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(d.execAndGet("SELECT state FROM trials WHERE number = 4").getString() == "FAIL");
    CHECK(d.execAndGet("SELECT error FROM trials WHERE number = 4")
              .getString()
              .find("worker elsewhere:123 lost") == 0);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE state = 'RUNNING'") == 0);
  }

  TEST_CASE("a running trial's heartbeat advances while it trains") {
    // --lost-after 0.2: a beat every 0.05 s, over a training of about a second.
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "h.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --keep-weights none --set search.trials=1 "
        "--set trainer.epochs=400 --set trainer.early_stopping.patience=0 --lost-after 0.2 "
        "--storage " +
        db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT (julianday(heartbeat_at) - julianday(started_at)) * 86400 > "
                       "duration_s / 2 FROM trials")
              .getInt() == 1);
  }

  TEST_CASE("bad worker options are refused with exit status 2") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "b.db").string();
    auto r = tunelab::test::run_tunelab("run " + kBranin + " --workers 0 --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--workers: expected 1 to 1024, got 0") != std::string::npos);
    r = tunelab::test::run_tunelab("run " + kBranin +
                                   " --set search.workers=2 --workers 4 --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("more processes than the study runs trials at once (search.workers 2)") !=
          std::string::npos);
    r = tunelab::test::run_tunelab("run " + kBranin + " --lost-after 0 --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--lost-after") != std::string::npos);
    // Nothing was created by the refused runs; a worker needs a store and a study.
    CHECK_FALSE(std::filesystem::exists(db));
    r = tunelab::test::run_tunelab("worker --study branin --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no results store there") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(db));
    REQUIRE(tunelab::test::run_tunelab("run " + kBranin +
                                       " --set search.trials=2 --workers 2 --storage " + db)
                .exit_status == 0);
    r = tunelab::test::run_tunelab("worker --study brainin --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("branin") != std::string::npos);
    // Resumed without the --workers it was started with.
    r = tunelab::test::run_tunelab("run " + kBranin +
                                   " --set search.trials=2 --resume --trials 4 --storage " + db);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("runs 2 trials at once (search.workers); --resume it with --workers 2") !=
          std::string::npos);
  }

  TEST_CASE("workers stop with a `run --workers` killed outright, their trials re-queued") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    // The parent is killed as soon as a trial runs; a second later no
    // worker of the study may be left.
    const auto r = tunelab::test::run_shell(
        "\"$TUNELAB\" run experiments/quickstart.yaml --quiet --workers 2 --set "
        "trainer.epochs=100000 --set trainer.early_stopping.patience=0 --storage " +
        db + " >/dev/null 2>&1 & pid=$!; " + tunelab::test::until_a_trial_runs(db) +
        "; kill -KILL $pid; sleep 3; pgrep -f -- '[w]orker --storage " + db + "' | wc -l");
    CHECK(r.output == "0\n");
    CHECK(count(db, "SELECT count(*) FROM trials WHERE state = 'RUNNING'") == 0);
    CHECK(count(db, "SELECT count(*) FROM trials WHERE state = 'WAITING' AND error = "
                    "'interrupted by SIGTERM'") >= 1);
  }
}

