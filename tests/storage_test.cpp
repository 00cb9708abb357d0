// The results store behaves the same on both backends, an SQLite file and a
// PostgreSQL database: what is written reads back unchanged (NaN, 64-bit
// seeds, params), trials are claimed once within the budget, the SQL views
// answer, and several workers share one study.

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "backends.h"
#include "store/sql/connection.h"
#include "store/sql/placeholders.h"
#include "store/store.h"
#include "store/weights_files.h"
#include "support.h"

namespace {

using tunelab::Params;
using tunelab::Store;
using tunelab::test::Backend;
using tunelab::test::backends;
using tunelab::test::scalar;

tunelab::NewStudy new_study(const std::string& name, int trials) {
  tunelab::NewStudy s;
  s.name = name;
  s.seed = std::numeric_limits<std::uint64_t>::max() - 5;  // beyond int64: stored as its bits
  s.trials_wanted = trials;
  s.config = {{"search", {{"space", {{"trainer.lr", {}}, {"model.block", {}}}}}}};
  s.document = {{"name", name}};
  s.experiment_file = "experiments/made_up.yaml";
  return s;
}

const Params kParams = {
    {"trainer.lr", 0.0012345678901234567}, {"model.block", "ResNetBlock"}, {"flag", true}};

// Every trial's number, state, params and value, one line each.
std::string trial_lines(Backend& backend, const std::string& url) {
  auto db = backend.connect(url);
  tunelab::sql::Rows q =
      db->query("SELECT number, state, params_json, value FROM trials ORDER BY number");
  std::string out;
  while (q.next()) out += q.text(0) + " " + q.text(1) + " " + q.text(2) + " " + q.text(3) + "\n";
  return out;
}

const std::string kBranin = "experiments/branin.yaml --set search.sampler=tpe --quiet";

}  // namespace

TEST_SUITE("storage") {
  TEST_CASE("SQLite's placeholders become PostgreSQL's, numbered as SQLite numbers them") {
    using tunelab::sql::numbered_placeholders;
    CHECK(numbered_placeholders("SELECT ?, ?, ?1, ?") == "SELECT $1, $2, $1, $3");
    CHECK(numbered_placeholders("VALUES (?3, ?, ?1)") == "VALUES ($3, $4, $1)");
    // Not inside quotes or comments.
    CHECK(numbered_placeholders("SELECT '?''?', \"a?\" -- why?\nFROM t WHERE x = ?") ==
          "SELECT '?''?', \"a?\" -- why?\nFROM t WHERE x = $1");
  }

  TEST_CASE("a PostgreSQL URL is shown without its password") {
    using tunelab::shown_url;
    CHECK(shown_url("postgresql://me:secret@db.example.org:5432/tunelab") ==
          "postgresql://me@db.example.org:5432/tunelab");
    CHECK(shown_url("postgresql://me@db/t?password=secret") == "postgresql://me@db/t");
    CHECK(shown_url("postgresql://db/t?password=secret&sslmode=require") ==
          "postgresql://db/t?sslmode=require");
    CHECK(shown_url("postgresql://db/t?sslmode=require&password=secret&user=me") ==
          "postgresql://db/t?sslmode=require&user=me");
    CHECK(shown_url("postgresql:///t?host=/run/postgresql") ==
          "postgresql:///t?host=/run/postgresql");
    CHECK(shown_url("sqlite:///results/a:b@c.db") == "sqlite:///results/a:b@c.db");
  }

  TEST_CASE("what the runner writes reads back unchanged: NaN, missing values, seeds, params") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      const std::string url = backend->fresh_storage();
      {
        auto store = Store::open(url);
        const auto study = store->create_study(new_study("s", 3));
        tunelab::Provenance p;
        p.tunelab_version = "v";
        p.tunelab_commit = "c";
        p.libtorch_version = "1.13";
        p.device = "cpu";
        p.host = "h";
        p.threads = 3;
        p.blas = "libopenblas.so.0";
        p.dataset_digest = "d";
        p.plugins = {{"/z/second.so", "z", "1", "f1"}, {"/a/first.so", "a", "2", "f2"}};
        store->add_provenance(study.id, p);

        const auto first = store->queue().start_trial(
            study.id, 0, std::numeric_limits<std::uint64_t>::max(), kParams, "cpu");
        tunelab::TrialOutcome done;
        done.value = 0.5;
        done.train_loss = 0.25;
        done.val_loss = 0.5;
        done.test_loss = tunelab::kMissing;  // no test split
        done.best_epoch = 2;
        done.epochs = {{1, 0.75, tunelab::kMissing, 0.01, 0.1}, {2, 0.25, 0.5, 0.005, 0.2}};
        store->queue().finish_trial(first, done);

        // A diverged trial: complete, its value NaN, never the best.
        const auto second = store->queue().start_trial(study.id, 1, 7, kParams, "cpu");
        tunelab::TrialOutcome diverged = done;
        diverged.value = diverged.val_loss = std::nan("");
        diverged.epochs = {{1, std::nan(""), std::nan(""), 0.01, 0.1}};
        diverged.best_epoch = 1;
        store->queue().finish_trial(second, diverged);
      }

      const auto store = Store::open_existing(url);
      const auto info = store->study("s");
      CHECK(info.seed == std::numeric_limits<std::uint64_t>::max() - 5);
      CHECK(info.complete == 2);
      REQUIRE(info.best_number.has_value());
      CHECK(*info.best_number == 0);
      CHECK(info.best_value == 0.5);

      const auto trials = store->trials(info.id);
      REQUIRE(trials.size() == 2);
      CHECK(trials[0].seed == std::numeric_limits<std::uint64_t>::max());
      CHECK(trials[0].params == kParams);
      CHECK(trials[0].params.at("trainer.lr").get<double>() == 0.0012345678901234567);
      CHECK(trials[0].value == 0.5);
      CHECK(std::isnan(trials[0].test_loss));
      CHECK(trials[0].best_epoch == 2);
      CHECK(std::isnan(trials[1].value));
      CHECK(std::isnan(trials[1].val_loss));

      const auto epochs = store->epochs(trials[0].id);
      REQUIRE(epochs.size() == 2);
      CHECK(std::isnan(epochs[0].val_loss));
      CHECK(epochs[1].val_loss == 0.5);
      CHECK(epochs[1].lr == 0.005);

      const auto provenance = store->provenance(info.id);
      REQUIRE(provenance.size() == 1);
      CHECK(provenance[0].threads == 3);
      CHECK(provenance[0].blas == "libopenblas.so.0");
      REQUIRE(provenance[0].plugins.size() == 2);
      CHECK(provenance[0].plugins[0].name == "z");  // in the order they were loaded

      // NaN in plain SQL: SQLite keeps it as the text 'NaN', PostgreSQL as a
      // float8 NaN; NULL stays "no value" on both.
      auto db = backend->connect(url);
      CHECK(scalar(*db, "SELECT count(*) FROM trials WHERE value IS NULL") == "0");
      CHECK(scalar(*db, "SELECT count(*) FROM best_trials") == "1");
      CHECK(scalar(*db, "SELECT number FROM best_trials") == "0");
    }
  }

  TEST_CASE("a trial and its weights are recorded together: a failure between records neither") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      const std::string url = backend->fresh_storage();
      auto store = Store::open(url);
      const auto study = store->create_study(new_study("s", 3));
      const auto id = store->queue().start_trial(study.id, 0, 7, kParams, "cpu");
      tunelab::TrialOutcome done;
      done.value = done.train_loss = done.val_loss = 0.5;
      done.best_epoch = 1;
      done.epochs = {{1, 0.5, 0.5, 0.01, 0.1}};
      // The file is written first, as the runner writes it.
      auto& files = store->weights_files();
      const auto file = files.weights_folder(study.id) / "trial-0.pt";
      std::filesystem::create_directories(file.parent_path());
      std::ofstream(file) << "weights";
      const auto row = files.row_for(id, file, "best", {"x"}, {"y"});
      std::vector<std::filesystem::path> replaced;
      // The process dies between the trial's row and its weights' row.
      CHECK_THROWS_WITH(store->queue().finish_trial(id, done,
                                                    [&](tunelab::sql::Transaction& tx) {
                                                      files.record(tx, row, replaced);
                                                      throw std::runtime_error("killed");
                                                    }),
                        "killed");
      CHECK(store->trials(study.id).at(0).state == tunelab::TrialState::running);
      CHECK_FALSE(store->weights(id).has_value());

      bool kept = false;
      store->queue().finish_trial(
          id, done, [&](tunelab::sql::Transaction& tx) { kept = files.record(tx, row, replaced); });
      CHECK(kept);
      CHECK(store->trials(study.id).at(0).state == tunelab::TrialState::complete);
      REQUIRE(store->weights(id).has_value());
      CHECK(store->weights(id)->file == file);
    }
  }

  TEST_CASE("trials are claimed once, within the budget, and a lost one is re-queued as it was") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      auto store = Store::open(backend->fresh_storage());
      const auto study = store->create_study(new_study("claims", 2));
      CHECK(store->queue().claim_trial(study.id, 0, 11, kParams, "cpu", "h:1", 2).has_value());
      // Number 0 is taken; number 1 is the next.
      CHECK_FALSE(
          store->queue().claim_trial(study.id, 0, 11, kParams, "cpu", "h:2", 2).has_value());
      CHECK(store->queue().claim_trial(study.id, 1, 12, {{"x", 1}}, "cpu", "h:2", 2).has_value());
      // Two running: the budget of 2 is spoken for.
      CHECK_FALSE(
          store->queue().claim_trial(study.id, 2, 13, kParams, "cpu", "h:3", 2).has_value());

      const auto running = store->queue().running_trials(study.id);
      REQUIRE(running.size() == 2);
      CHECK(running[0].worker == "h:1");
      CHECK(running[0].silent_seconds >= 0);
      CHECK(running[0].silent_seconds < 60);
      CHECK(store->queue().release_lost_trial(running[0], true, "worker h:1 lost"));
      CHECK_FALSE(store->queue().release_lost_trial(running[0], true, "worker h:1 lost"));

      const auto again = store->queue().claim_waiting_trial(study.id, "cpu", "h:3");
      REQUIRE(again.has_value());
      CHECK(again->number == 0);
      CHECK(again->seed == 11);
      CHECK(again->params == kParams);
      CHECK_FALSE(store->queue().claim_waiting_trial(study.id, "cpu", "h:4").has_value());

      const auto progress = store->queue().progress(study.id);
      CHECK(progress.active == 2);
      CHECK(progress.counted == 0);
      CHECK(progress.next_number == 2);
      CHECK(store->trials(study.id)[0].attempts == 2);
    }
  }

  TEST_CASE("the views answer plain SQL and the query commands read the store") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      const std::string url = backend->fresh_storage();
      const std::string storage = " --storage '" + url + "'";
      auto r = tunelab::test::run_tunelab(
          "run experiments/quickstart.yaml --set search.trials=3 --set trainer.epochs=3 --quiet" +
          storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      auto db = backend->connect(url);
      CHECK(scalar(*db, "SELECT count(*) FROM trial_summary WHERE \"trainer.lr\" IS NOT NULL") ==
            "3");
      tunelab::sql::Rows blocks = db->query("SELECT \"model.block\" FROM trial_summary");
      while (blocks.next()) CHECK(blocks.text(0).find("ResNetBlock") != std::string::npos);
      CHECK(scalar(*db, "SELECT count(*) FROM best_trials") == "1");
      CHECK(scalar(*db, "SELECT number FROM best_trials") ==
            scalar(*db,
                   "SELECT number FROM trials WHERE state = 'COMPLETE' ORDER BY value, number "
                   "LIMIT 1"));
      CHECK(scalar(*db, "SELECT count(*) FROM loss_curves") ==
            scalar(*db, "SELECT sum(epochs_run) FROM trials"));

      r = tunelab::test::run_tunelab("best quickstart --format json" + storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      CHECK(r.output.find("\"trial\": " + scalar(*db, "SELECT number FROM best_trials")) !=
            std::string::npos);
      // The best trial's weights were kept and predict reads them.
      r = tunelab::test::run_tunelab("predict quickstart --input data/diabetes.csv" + storage);
      CHECK_MESSAGE(r.exit_status == 0, r.output);
      if (backend->name() == "postgresql") {
        // On a machine that did not train it: the weights come from the database.
        const auto kept = Store::open(url)->weights_files().weights_folder(1).parent_path();
        REQUIRE(std::filesystem::remove_all(kept) > 0);
        const auto again =
            tunelab::test::run_tunelab("predict quickstart --input data/diabetes.csv" + storage);
        CHECK_MESSAGE(again.exit_status == 0, again.output);
        CHECK(again.output == r.output);
        CHECK(std::filesystem::is_directory(kept));
      }
      r = tunelab::test::run_tunelab(
          "run experiments/quickstart.yaml --set search.trials=3 --set trainer.epochs=3 --quiet "
          "--resume --trials 4" +
          storage);
      REQUIRE_MESSAGE(r.exit_status == 0, r.output);
      CHECK(scalar(*db, "SELECT count(*) FROM trials") == "4");
    }
  }

  TEST_CASE("3 workers, one joining from outside, record 200 trials once each, numbered 0 to 199") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      const std::string url = backend->fresh_storage();
      const std::string storage = " --storage '" + url + "'";
      // Two workers started by run; a third joins as soon as the study exists.
      const auto r = tunelab::test::run_shell(
          "\"$TUNELAB\" run " + kBranin + " --set search.trials=200 --workers 2" + storage +
          " 2>&1 & run=$!; for i in $(seq 200); do \"$TUNELAB\" worker --study branin --quiet" +
          storage + " 2>/dev/null && break; sleep 0.05; done; wait $run; echo \"status $?\"");
      INFO(r.output);
      CHECK(r.output.find("status 0") != std::string::npos);
      CHECK(r.output.find("locked") == std::string::npos);
      CHECK(r.output.find("serializ") == std::string::npos);
      auto db = backend->connect(url);
      CHECK(scalar(*db, "SELECT count(*) FROM trials") == "200");
      CHECK(scalar(*db, "SELECT count(DISTINCT number) FROM trials") == "200");
      CHECK(scalar(*db, "SELECT min(number) FROM trials") == "0");
      CHECK(scalar(*db, "SELECT max(number) FROM trials") == "199");
      CHECK(scalar(*db, "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") == "200");
      CHECK(std::stoi(scalar(*db, "SELECT count(DISTINCT worker) FROM trials")) >= 2);
    }
  }

  TEST_CASE("a worker killed mid-trial: its trial runs again and the study is as if it had not") {
    for (Backend* backend : backends()) {
      INFO("backend: " << backend->name());
      tunelab::test::ScratchDir dir;
      const std::string url = backend->fresh_storage();
      // Trials long enough (about a second each) that the kill lands inside
      // the trial the query saw running, not after it, between two trials.
      const std::string study =
          "experiments/quickstart.yaml --quiet --keep-weights none --set search.trials=6 "
          "--set trainer.epochs=400 --set trainer.early_stopping.patience=0";
      const std::string errors = (dir.path() / "err.txt").string();
      // Started, then the first worker seen running a trial is killed outright.
      const auto r = tunelab::test::run_shell(
          "\"$TUNELAB\" run " + study + " --workers 2 --storage '" + url + "' >/dev/null 2>" +
          errors + " & run=$!; for i in $(seq 400); do w=$(" +
          backend->shell_query(url, "SELECT worker FROM trials WHERE state = 'RUNNING' LIMIT 1") +
          "); [ -n \"$w\" ] && break; sleep 0.05; done; kill -KILL \"${w##*:}\"; "
          "wait $run; echo \"status $?\"; cat " +
          errors);
      INFO(r.output);
      // The study is whole, but a worker died: never an exit status of 0.
      CHECK(r.output.find("status 1") != std::string::npos);
      CHECK(r.output.find("was ended by signal 9") != std::string::npos);
      auto db = backend->connect(url);
      CHECK(scalar(*db, "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") == "6");
      CHECK(scalar(*db, "SELECT count(*) FROM trials WHERE attempts = 2") == "1");

      const std::string undisturbed = backend->fresh_storage();
      const auto u = tunelab::test::run_tunelab(
          "run " + study + " --set search.workers=2 --storage '" + undisturbed + "'");
      REQUIRE_MESSAGE(u.exit_status == 0, u.output);
      CHECK(trial_lines(*backend, url) == trial_lines(*backend, undisturbed));
    }
  }

  TEST_CASE("a PostgreSQL store that cannot be reached or is not a store is refused") {
    Backend* pg = tunelab::test::postgresql_backend();
    if (!pg) return;
    auto r = tunelab::test::run_tunelab(
        "studies --storage 'postgresql://someone:s3cret@/nowhere?host=/nonexistent'");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("cannot connect") != std::string::npos);
    CHECK(r.output.find("s3cret") == std::string::npos);  // the password is never shown

    // A database of someone else's with a table named studies.
    const std::string url = pg->fresh_storage();
    pg->connect(url)->execute_script("CREATE TABLE studies (id integer)");
    r = tunelab::test::run_tunelab("run experiments/branin.yaml --quiet --storage '" + url + "'");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("not a tunelab store") != std::string::npos);
    CHECK(scalar(*pg->connect(url),
                 "SELECT count(*) FROM information_schema.tables WHERE "
                 "table_schema = 'public'") == "1");
    r = tunelab::test::run_tunelab("trials branin --storage '" + url + "'");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no tunelab results store") != std::string::npos);
  }
}
