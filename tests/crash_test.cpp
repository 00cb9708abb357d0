// Crash safety and training faults: a run killed at random points loses no
// finished trial and resumes; a block that throws, or a model too large for
// memory, fails its trial (or the file) with the reason.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "support.h"
#include "test_paths.h"

namespace {

// Every COMPLETE trial with its params, value and whole curve, as text.
std::map<int, std::string> complete_trials(const std::string& db) {
  SQLite::Database d(db);
  SQLite::Statement q(d,
                      "SELECT t.number, t.params_json, quote(t.value), t.seed, "
                      "group_concat(quote(e.train_loss) || '/' || quote(e.val_loss), ' ') "
                      "FROM trials t JOIN epochs e USING (trial_id) WHERE t.state = 'COMPLETE' "
                      "GROUP BY t.trial_id ORDER BY t.number");
  std::map<int, std::string> out;
  while (q.executeStep())
    out[q.getColumn(0).getInt()] = q.getColumn(1).getString() + " " + q.getColumn(2).getString() +
                                   " " + q.getColumn(3).getString() + " " +
                                   q.getColumn(4).getString();
  return out;
}

int rounds() {
  const char* n = std::getenv("TUNELAB_STRESS_ROUNDS");  // `make stress` sets more
  return n ? std::max(1, std::atoi(n)) : 4;
}

}  // namespace

TEST_SUITE("crash safety") {
  TEST_CASE(
      "SIGKILL at random points never loses a finished trial and --resume completes the study") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    const std::string run =
        "\"$TUNELAB\" run experiments/quickstart.yaml --quiet --set "
        "search.trials=16 --set trainer.epochs=12 --storage " +
        db;
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> millis(200, 2500);
    std::map<int, std::string> seen;
    for (int round = 0; round < rounds(); ++round) {
      const double wait = millis(rng) / 1000.0;
      // Started (or resumed), killed outright, and the exit status reported.
      const auto r = tunelab::test::run_shell(
          "{ " + run + (round > 0 ? " --resume" : "") + " >/dev/null 2>&1 & pid=$!; sleep " +
          std::to_string(wait) + "; kill -KILL $pid 2>/dev/null; wait $pid; }; echo ok");
      REQUIRE(r.output == "ok\n");
      if (!std::filesystem::exists(db)) continue;  // killed before the store was made
      SQLite::Database d(db);
      CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
      // The schema is made in one transaction: a kill while it is written
      // (a slow start under the sanitizers) leaves a store with no table at
      // all, never one with some of them.
      const int tables = d.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
      if (tables == 0) {
        CHECK(seen.empty());
        continue;
      }
      REQUIRE(d.tableExists("schema_version"));
      const auto now = complete_trials(db);
      for (const auto& [number, trial] : seen) {
        INFO("round " << round << ", trial " << number);
        REQUIRE(now.count(number) == 1);
        CHECK(now.at(number) == trial);
      }
      seen = now;
    }
    const auto r = tunelab::test::run_shell(run + " --resume 2>&1");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db);
    CHECK(d.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'RUNNING'").getInt() == 0);
    // The budget counts finished trials. A killed trial runs again on
    // --resume; one whose process was killed under it twice (a slow build
    // can be killed in the same trial in two rounds) is failed with that
    // reason, and counts, so that a trial that kills its worker cannot stop
    // a study for ever.
    const int complete =
        d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt();
    const int lost = d.execAndGet(
                          "SELECT count(*) FROM trials WHERE state = 'FAIL' AND error "
                          "LIKE 'worker % lost (silent for %'")
                         .getInt();
    CHECK(complete + lost == 16);
    CHECK(complete >= 16 - rounds() / 2);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'FAIL'").getInt() == lost);
    const auto final_trials = complete_trials(db);
    for (const auto& [number, trial] : seen) CHECK(final_trials.at(number) == trial);
  }
}

TEST_SUITE("training faults") {
  TEST_CASE(
      "a plugin block that throws in forward fails its trials with the reason and the study "
      "goes on") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --set trainer.epochs=2 --set search.trials=6 "
        "--set \"search.space={model.block: {type: categorical, choices: [ResNetBlock, "
        "ThrowingBlock]}}\" --set search.sampler.name=grid --plugin " +
        std::string(tunelab::test::kBadPluginsDir) + "/throwing_block.so --storage " + db);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d(db);
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt() == 1);
    SQLite::Statement failed(d,
                             "SELECT t.error FROM trials t JOIN trial_params p USING (trial_id) "
                             "WHERE p.value_text = 'ThrowingBlock'");
    REQUIRE(failed.executeStep());
    CHECK(failed.getColumn(0).getString().find("ThrowingBlock refuses to compute") !=
          std::string::npos);
  }

  TEST_CASE("every trial failing ends the study with a summary and exit 1") {
    tunelab::test::ScratchDir dir;
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --set trainer.epochs=2 --set search.trials=2 "
        "--set \"search.space={model.block: {type: categorical, choices: [ThrowingBlock]}}\" "
        "--plugin " +
        std::string(tunelab::test::kBadPluginsDir) + "/throwing_block.so --storage " +
        (dir.path() / "s.db").string());
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("tunelab: every trial of study 'quickstart' in ") != std::string::npos);
    CHECK(r.output.find("ThrowingBlock refuses to compute") != std::string::npos);
  }

  TEST_CASE("a model too large for memory is refused up front, not allocated") {
    const auto r = tunelab::test::run_tunelab(
        "validate experiments/quickstart.yaml --set \"model.c_hidden=[2000000, 2000000]\"");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("quickstart.yaml:11:3: model: does not fit in memory: one of its tensors "
                        "needs 1.6e+04 GB") != std::string::npos);
  }

  TEST_CASE(
      "a full disk while weights are saved ends the run with the reason, and no partial file") {
    tunelab::test::ScratchDir dir;
    const auto weights = dir.path() / "s.weights";
    std::filesystem::create_directory(weights);
    // A 64 KiB file system where the weights go: the database fits beside it.
    if (tunelab::test::run_shell("mount -t tmpfs -o size=64k tmpfs '" + weights.string() +
                                 "' 2>/dev/null")
            .exit_status != 0) {
      MESSAGE("skipped: mounting a small tmpfs needs root (CAP_SYS_ADMIN) here");
      return;
    }
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --set search.trials=3 --set trainer.epochs=3 "
        "--set \"model.c_hidden=[128, 128]\" --storage " +
        (dir.path() / "s.db").string());
    std::vector<std::string> left;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(weights))
      if (entry.is_regular_file()) left.push_back(entry.path().string());
    tunelab::test::run_shell("umount '" + weights.string() + "'");
    INFO(r.output);
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("trial-0.pt: cannot write: No space left on device") != std::string::npos);
    CHECK(r.output.find("terminate called") == std::string::npos);
    CHECK(left.empty());
    // The trial whose weights could not be written is not COMPLETE: the
    // next run of the study trains it again.
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").getInt() == 0);
  }

  TEST_CASE("a best trial whose weights were lost is trained again by --resume and kept") {
    tunelab::test::ScratchDir dir;
    const std::string run =
        "run experiments/quickstart.yaml --set search.trials=3 "
        "--set trainer.epochs=3 --storage " +
        (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab(run + " --quiet");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    SQLite::Database d((dir.path() / "s.db").string(), SQLite::OPEN_READWRITE);
    const int best = d.execAndGet("SELECT number FROM best_trials").getInt();
    const auto file = dir.path() / d.execAndGet("SELECT path FROM weights").getString();
    REQUIRE(std::filesystem::exists(file));
    // As an older tunelab left it when killed between recording the trial
    // and writing its weights.
    d.exec("DELETE FROM weights");
    std::filesystem::remove(file);
    r = tunelab::test::run_tunelab(run + " --resume");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find(fmt::format("note: the weights of trial {}, the study's best, were lost; "
                                    "trained again from its seed, with the stored losses",
                                    best)) != std::string::npos);
    CHECK(d.execAndGet("SELECT count(*) FROM weights WHERE reason = 'best'").getInt() == 1);
    CHECK(std::filesystem::exists(file));
    r = tunelab::test::run_tunelab("predict quickstart --input data/diabetes.csv --storage " +
                                   (dir.path() / "s.db").string());
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    // Nothing lost: nothing done.
    r = tunelab::test::run_tunelab(run + " --resume");
    CHECK(r.output.find("were lost") == std::string::npos);
  }
}
