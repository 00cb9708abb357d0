// The tunelab executable as a user meets it: exit status 0 on success, 2 on
// bad input with the message first, 1 when running fails.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>

#include "support.h"
#include "test_paths.h"

namespace {

// Runs tunelab with a results store of its own, removed afterwards.
tunelab::test::CommandResult run_tunelab(const std::string& arguments) {
  const bool runs = arguments.rfind("run ", 0) == 0;
  tunelab::test::ScratchDir store;
  return tunelab::test::run_tunelab(
      runs ? arguments + " --storage sqlite:///" + (store.path() / "t.db").string() : arguments);
}

}  // namespace

TEST_SUITE("command line") {
  TEST_CASE("run trains the chapter's example and prints every epoch") {
    const auto r = run_tunelab("run experiments/seed_chapter.yaml");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("epoch    train_loss") != std::string::npos);
    CHECK(r.output.find("\n   10  ") != std::string::npos);
    CHECK(r.output.find("seed-chapter: 85761 parameters on cpu, 100 train / 0 val / 0 test rows") !=
          std::string::npos);
  }

  TEST_CASE(
      "a mistyped block or activation: exit 2 / the place / the near match / nothing trained") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write(
        "bad.yaml", "name: bad\ndata: {dataset: diabetes}\nmodel:\n  block: ResNetBlok\n");
    auto r = run_tunelab("run " + file.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output ==
          "tunelab: " + file.string() +
              ":4:10: model.block: unknown block 'ResNetBlok' (did you mean 'ResNetBlock'?)\n");
    r = run_tunelab("run experiments/seed_chapter.yaml --set model.act_fn=rellu");
    CHECK(r.exit_status == 2);
    CHECK(r.output ==
          "tunelab: --set model.act_fn=rellu: model.act_fn: unknown activation 'rellu' "
          "(did you mean 'relu'?)\n");
  }

  TEST_CASE("an empty search space is a training run with any sampler") {
    for (const std::string sampler : {"tpe", "gp", "sobol", "nsga2", "grid"}) {
      const auto r = run_tunelab(
          "run experiments/quickstart.yaml --quiet --set search.space={} "
          "--set search.trials=3 --set trainer.epochs=1 --set "
          "search.sampler=" +
          sampler);
      CHECK_MESSAGE(r.exit_status == 0, sampler << ": " << r.output);
      CHECK(r.output.find("internal error") == std::string::npos);
    }
  }

  TEST_CASE("every experiment file shipped in experiments/ validates") {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(
             std::filesystem::path(tunelab::test::kSourceDir) / "experiments")) {
      if (entry.path().extension() != ".yaml") continue;
      ++files;
      const auto r = run_tunelab("validate experiments/" + entry.path().filename().string());
      CHECK_MESSAGE(r.exit_status == 0, entry.path().filename().string() << ": " << r.output);
    }
    CHECK(files >= 6);
  }

  TEST_CASE("bad usage and bad files exit 2 with a message") {
    CHECK(run_tunelab("").exit_status == 2);
    auto r = run_tunelab("frobnicate");
    CHECK(r.exit_status == 2);
    CHECK(r.output.rfind("tunelab: unknown command 'frobnicate'", 0) == 0);
    r = run_tunelab("run does-not-exist.yaml");
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: does-not-exist.yaml: no such experiment file\n");
    r = run_tunelab("run experiments");
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: experiments: is a directory, not an experiment file\n");
    r = run_tunelab("run experiments/seed_chapter.yaml --threads 0");
    CHECK(r.exit_status == 2);
    CHECK(r.output.rfind("tunelab: --threads: expected 1 to ", 0) == 0);
    r = run_tunelab("run experiments/seed_chapter.yaml --bogus");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("unrecognised option '--bogus'") != std::string::npos);
    r = run_tunelab("plugins --format xml");
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: --format: expected table, csv or json, got 'xml'\n");
  }

  TEST_CASE("bad data: a CSV error names the file / row and column") {
    tunelab::test::ScratchDir dir;
    dir.write("d.csv", "a,b\n1,2\n3,4\n5,5\n");
    const auto file = dir.write(
        "e.yaml",
        "name: e\ndata: {dataset: csv, args: {path: d.csv, target: b, features: [a]}}\nsearch: "
        "{trials: 1}\n");
    // A numeric column whose rows to predict hold a word is the file's line and column.
    auto r = tunelab::test::run_tunelab("run " + file.string() + " --storage " +
                                        (dir.path() / "s.db").string() + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_status == 0);
    dir.write("p.csv", "a\n1\nthree\n");
    r = run_tunelab("predict e --input " + (dir.path() / "p.csv").string() + " --storage " +
                    (dir.path() / "s.db").string());
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: " + (dir.path() / "p.csv").string() +
                          ":3:1: column 'a': 'three' is not a number (the model read this column "
                          "as numbers)\n");
    const auto split = run_tunelab("run experiments/diabetes_resnet.yaml --set data.split.val=0.5");
    CHECK(split.exit_status == 2);
    CHECK(split.output.find(
              "experiments/diabetes_resnet.yaml:10:10: data.split: fractions must sum to 1") !=
          std::string::npos);
  }

  TEST_CASE("a diverging run exits 1 with the reason") {
    const auto r = run_tunelab(
        "run experiments/diabetes_resnet.yaml --quiet --set search=null --set trainer.lr=1e6 "
        "--set trainer.optimizer=sgd --set data.standardize.y=false --set trainer.epochs=5");
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("tunelab: every trial of study 'diabetes-resnet'") != std::string::npos);
    CHECK(r.output.find("trial 0: training loss became NaN in epoch 1") != std::string::npos);
  }

  TEST_CASE("validate prints the resolved configuration with defaults and overrides") {
    const auto r = run_tunelab("validate experiments/seed_chapter.yaml --set trainer.lr=0.01");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("lr: 0.01") != std::string::npos);
    CHECK(r.output.find("weight_decay: 0") != std::string::npos);
    CHECK(r.output.find("num_blocks: [3, 3, 3]") != std::string::npos);
  }

  TEST_CASE("model prints the network and its parameter count") {
    const auto r = run_tunelab("model experiments/seed_chapter.yaml");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("ResNetBlock") != std::string::npos);
    CHECK(r.output.find("20 -> 1: 85761 parameters") != std::string::npos);
  }

  TEST_CASE("plugins lists every kind / filtered by --kind / as table / csv or json") {
    auto r = run_tunelab("plugins");
    CHECK(r.exit_status == 0);
    for (const char* kind : {"block", "activation", "model", "dataset", "optimizer", "loss"})
      CHECK(r.output.find(std::string("\n") + kind) != std::string::npos);
    r = run_tunelab("plugins --kind block --format csv");
    CHECK(r.output.rfind("kind,name,origin,summary,options\nblock,ResNetBlock,built-in,", 0) == 0);
    r = run_tunelab("plugins --kind blok");
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: --kind: unknown kind 'blok' (did you mean 'block'?)\n");
    r = run_tunelab("plugins --kind loss --format json");
    CHECK(r.output.find("\"name\": \"huber\"") != std::string::npos);
    CHECK(r.output.find("\"options\": \"delta\"") != std::string::npos);
  }

  TEST_CASE("plugins --name lists one entry's options: type, default, check and doc") {
    auto r = run_tunelab("plugins --name sgd --format csv");
    CHECK(r.exit_status == 0);
    CHECK(r.output.rfind("option,type,default,check,doc\n", 0) == 0);
    CHECK(r.output.find("\nmomentum,number,0.0,>= 0,momentum factor\n") != std::string::npos);
    CHECK(r.output.find("\nnesterov,true/false,false,-,") != std::string::npos);
    r = run_tunelab("plugins --name tpe");
    CHECK(r.output.find("gamma") != std::string::npos);
    CHECK(r.output.find("in [0, 1]") != std::string::npos);
    r = run_tunelab("plugins --name relu");
    CHECK(r.output.find("takes no options") != std::string::npos);
    r = run_tunelab("plugins --kind optimizer --name adamm");
    CHECK(r.exit_status == 2);
    CHECK(r.output ==
          "tunelab: --name: unknown optimizer 'adamm' (did you mean 'adam' or 'adamw'?)\n");
  }
}

TEST_SUITE("command line: studies") {
  TEST_CASE("run prints one line per trial and the best and a second run needs --resume") {
    tunelab::test::ScratchDir dir;
    const std::string store = " --storage sqlite:///" + (dir.path() / "s.db").string();
    const std::string run =
        "run experiments/quickstart.yaml --set search.trials=3 --set trainer.epochs=3";
    auto r = tunelab::test::run_tunelab(run + store);
    CHECK(r.exit_status == 0);
    CHECK(r.output.rfind("study 'quickstart': 3 of 3 trials to run, random search over 5 params",
                         0) == 0);
    for (const char* line :
         {"\ntrial   0  COMPLETE  val_loss ", "\ntrial   1  COMPLETE", "\ntrial   2  COMPLETE"})
      CHECK(r.output.find(line) != std::string::npos);
    CHECK(r.output.find("3 complete, 0 pruned, 0 failed (stopped: budget)\nbest: trial ") !=
          std::string::npos);
    CHECK(r.output.find('\r') == std::string::npos);  // no progress line when not on a terminal

    r = tunelab::test::run_tunelab(run + store);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("study 'quickstart' already exists") != std::string::npos);
    r = tunelab::test::run_tunelab(run + store + " --resume --trials 4 --quiet");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("4 complete, 0 pruned, 0 failed") != std::string::npos);
    CHECK(r.output.find("\ntrial ") == std::string::npos);
    r = tunelab::test::run_tunelab(run + store + " --study other --quiet");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("study 'other'") != std::string::npos);
  }

  TEST_CASE("a store that cannot be opened is bad input") {
    auto r = tunelab::test::run_tunelab(
        "run experiments/seed_chapter.yaml --storage sqlite:////no/such/dir/t.db");
    CHECK(r.exit_status == 2);
    CHECK(r.output == "tunelab: /no/such/dir/t.db: the folder /no/such/dir does not exist\n");
    r = tunelab::test::run_tunelab("run experiments/seed_chapter.yaml --storage mysql://h/db");
    CHECK(r.exit_status == 2);
    CHECK(r.output ==
          "tunelab: --storage mysql://h/db: expected sqlite:///path/to.db or "
          "postgresql://host/database\n");
    tunelab::test::ScratchDir dir;
    const auto not_a_db =
        dir.write("x.db", "this is not a database, just text that is long enough to read");
    r = tunelab::test::run_tunelab("run experiments/seed_chapter.yaml --storage " +
                                   not_a_db.string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("cannot open as a results store") != std::string::npos);
  }
}

TEST_SUITE("command line: interruption") {
  TEST_CASE(
      "SIGINT stops a study within a second, cross-validated too, and its trial waits for "
      "--resume") {
    for (const std::string folds : {"1", "4"}) {
      tunelab::test::ScratchDir dir;
      const std::string db = (dir.path() / "s.db").string();
      // tunelab starts in the background and is interrupted 2.5 s into its
      // first trial; the shell reports how it ended and how long that took.
      const auto r = tunelab::test::run_shell(
          "{ TUNELAB_PROGRESS_SECONDS=1 \"$TUNELAB\" run experiments/quickstart.yaml --set "
          "trainer.epochs=100000 "
          "--set trainer.early_stopping.patience=0 --set search.trials=2 "
          "--set search.metric=val_rmse --set data.folds=" +
          folds + " --storage " + db + " 2>&1 & pid=$!; " + tunelab::test::until_a_trial_runs(db) +
          "; sleep 2.5; start=$(date +%s%N); kill -INT $pid; wait $pid; "
          "status=$?; echo \"exit=$status ms=$(( ($(date +%s%N) - start) / 1000000 ))\"; }");
      INFO("data.folds=" << folds << "\n" << r.output);
      // 75 (EX_TEMPFAIL): stopped, its trial handed back, not failed.
      CHECK(r.output.find("exit=75 ") != std::string::npos);
      CHECK(r.output.find("tunelab: interrupted: study 'quickstart'") != std::string::npos);
      CHECK(r.output.find("--resume continues it") != std::string::npos);
      // Not a terminal: plain progress lines, with the trial's own epoch budget.
      CHECK(r.output.find("progress: [0 done, 2 to go] trial 0 epoch ") != std::string::npos);
      CHECK(r.output.find("/100000  val_loss ") != std::string::npos);
      // The study's best by its own metric, none yet.
      CHECK(r.output.find("  best val_rmse -  eta ") != std::string::npos);
      CHECK(r.output.find("trial   0  interrupted by SIGINT: trains again, from the start, on "
                          "--resume") != std::string::npos);
      const auto ms = r.output.substr(r.output.find(" ms=") + 4);
      CHECK(std::stoi(ms) < tunelab::test::promised_ms(1000));
      SQLite::Database d(db);
      CHECK(d.execAndGet("SELECT count(*) FROM trials").getInt() == 1);
      CHECK(d.execAndGet("SELECT state || ' ' || error FROM trials WHERE number = 0").getString() ==
            "WAITING interrupted by SIGINT");
      CHECK(d.execAndGet("SELECT count(*) FROM epochs").getInt() == 0);
    }
  }

  TEST_CASE("SIGTERM while a large CSV loads ends tunelab at once") {
    tunelab::test::ScratchDir dir;
    const auto file = dir.write(
        "big.yaml",
        "name: big\ndata:\n  dataset: csv\n  args: {path: big.csv, target: y}\nmodel: {name: "
        "linear}\ntrainer: {epochs: 1}\n");
    const auto r = tunelab::test::run_shell(
        "cd '" + dir.path().string() +
        "' && awk 'BEGIN{print \"a,b,y\"; for(i=0;i<3000000;i++) print i%97\",\"i%89\",\"i%13}' "
        "> big.csv && { \"$TUNELAB\" run big.yaml --storage s.db >/dev/null 2>&1 & pid=$!; sleep "
        "1; start=$(date +%s%N); kill -TERM $pid; wait $pid; echo \"exit=$? ms=$(( ($(date "
        "+%s%N) - start) / 1000000 ))\"; }");
    INFO(r.output);
    REQUIRE(r.output.find(" ms=") != std::string::npos);
    CHECK(r.output.find("exit=143") != std::string::npos);  // ended by the signal, as asked
    CHECK(std::stoi(r.output.substr(r.output.find(" ms=") + 4)) < tunelab::test::promised_ms(1000));
  }

  TEST_CASE("a trial stopped by Ctrl-C is trained again by --resume, as if never stopped") {
    tunelab::test::ScratchDir dir;
    const std::string run =
        "\"$TUNELAB\" run experiments/quickstart.yaml --quiet --set trainer.epochs=600 --set "
        "trainer.early_stopping.patience=0 --set search.trials=1 --storage ";
    const std::string db = (dir.path() / "s.db").string(), calm = (dir.path() / "c.db").string();
    // SIGINT as soon as trial 0 is seen running.
    auto r = tunelab::test::run_shell("{ " + run + db + " 2>&1 & pid=$!; " +
                                      tunelab::test::until_a_trial_runs(db) +
                                      "; kill -INT $pid; wait $pid; echo \"exit=$?\"; }");
    REQUIRE_MESSAGE(r.output.find("exit=75") != std::string::npos, r.output);
    r = tunelab::test::run_shell(run + db + " --resume 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = tunelab::test::run_shell(run + calm + " 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto trial = [](const std::string& file) {
      SQLite::Database d(file);
      return d
          .execAndGet(
              "SELECT state || ' ' || seed || ' ' || params_json || ' ' || quote(value) || ' ' "
              "|| epochs_run FROM trials WHERE number = 0")
          .getString();
    };
    CHECK(trial(db).rfind("COMPLETE ", 0) == 0);
    CHECK(trial(db) == trial(calm));
  }
}

TEST_SUITE("command line: what a new user runs into") {
  TEST_CASE("a single training run again is recorded as the next free name") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    for (const std::string name : {"seed-chapter", "seed-chapter-2", "seed-chapter-3"}) {
      const auto r = tunelab::test::run_tunelab(
          "run experiments/seed_chapter.yaml --set model.block=PreActResNetBlock" + storage);
      CHECK_MESSAGE(r.exit_status == 0, r.output);
      CHECK(r.output.find("recorded as study '" + name + "'") != std::string::npos);
    }
    // A study with a search still asks: --resume or --study.
    auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --set search.trials=1 --set trainer.epochs=1" +
        storage);
    REQUIRE(r.exit_status == 0);
    r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --quiet --set search.trials=1 --set trainer.epochs=1" +
        storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("already exists") != std::string::npos);
  }

  TEST_CASE("--set of a searched value fixes it, says so, and the rest is searched") {
    tunelab::test::ScratchDir dir;
    const auto r = tunelab::test::run_tunelab(
        "run experiments/diabetes_resnet.yaml --set trainer.lr=3e-3 --set \"model.c_hidden=[64, "
        "64]\" --trials 3 --set trainer.epochs=5 --storage " +
        (dir.path() / "s.db").string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("note: --set fixes trainer.lr, model.c_hidden, trainer.epochs: they are "
                        "no longer searched") != std::string::npos);
    CHECK(r.output.find("random search over 5 params") != std::string::npos);
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT count(DISTINCT name) FROM trial_params").getInt() == 5);
    CHECK(d.execAndGet("SELECT count(*) FROM trial_params WHERE name IN ('trainer.lr', "
                       "'model.c_hidden', 'trainer.epochs')")
              .getInt() == 0);
  }

  TEST_CASE("a target in large units is pointed out, and no epoch with a finite loss is a FAIL") {
    tunelab::test::ScratchDir dir;
    const auto file =
        dir.write("b.yaml",
                  "name: b\ndata: {dataset: diabetes}\nmodel: {name: resnet, init: kaiming}\n"
                  "trainer: {epochs: 1, batch_size: 1}\n");
    const auto r = tunelab::test::run_tunelab("run " + file.string() + " --storage " +
                                              (dir.path() / "s.db").string());
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("note: the target's standard deviation is 77 and data.standardize.y is "
                        "off") != std::string::npos);
    CHECK(r.output.find("no epoch had a finite validation loss (epoch 1: inf)") !=
          std::string::npos);
    SQLite::Database d((dir.path() / "s.db").string());
    CHECK(d.execAndGet("SELECT state || ' ' || quote(value) || ' ' || quote(val_loss) FROM trials")
              .getString() == "FAIL NULL NULL");
  }

  TEST_CASE("a study deleted while it runs ends with that reason, not a database error") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    // delete refuses while a trial runs: it is tried until it lands between
    // two trials (gp's proposals leave a gap there).
    const auto r = tunelab::test::run_shell(
        "{ \"$TUNELAB\" run experiments/quickstart.yaml --quiet --set search.trials=500 --set "
        "search.sampler=gp --set search.timeout=10m --storage " +
        db + " 2>&1 & pid=$!; " + tunelab::test::until_a_trial_runs(db) +
        "; n=0; until \"$TUNELAB\" delete quickstart "
        "--yes --storage " +
        db +
        " >/dev/null 2>&1; do n=$((n+1)); [ $n -gt 300 ] && break; "
        "done; wait $pid; echo \"exit=$?\"; }");
    INFO(r.output);
    CHECK(r.output.find("exit=1") != std::string::npos);
    CHECK(r.output.find("tunelab: study 'quickstart' was deleted from " + db +
                        " while it ran (tunelab delete): nothing more of it is recorded") !=
          std::string::npos);
    CHECK(r.output.find("constraint") == std::string::npos);
  }

  TEST_CASE("tunelab delete removes a study whole, and only with --yes") {
    const auto s = tunelab::test::quickstart_studies({"", "other"});
    auto r = tunelab::test::run_tunelab("delete other" + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("add --yes to delete it") != std::string::npos);
    std::filesystem::path weights;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(s->dir.path()))
      if (entry.path().extension() == ".pt") weights = entry.path();
    r = tunelab::test::run_tunelab("delete other --yes" + s->storage);
    CHECK_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("deleted study 'other' (6 trials: 6 complete") != std::string::npos);
    SQLite::Database d(s->db);
    CHECK(d.execAndGet("SELECT group_concat(name) FROM studies").getString() == "quickstart");
    CHECK(d.execAndGet("SELECT count(*) FROM trials").getInt() == 6);
    CHECK(d.execAndGet("SELECT count(*) FROM epochs e JOIN trials t USING (trial_id)").getInt() ==
          d.execAndGet("SELECT count(*) FROM epochs").getInt());
    CHECK(d.execAndGet("SELECT count(*) FROM weights").getInt() == 1);
    SQLite::Statement dangling(d, "PRAGMA foreign_key_check");
    CHECK_FALSE(dangling.executeStep());
    r = tunelab::test::run_tunelab("delete other --yes" + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no study 'other'") != std::string::npos);
  }

  TEST_CASE("a resumed study refuses a data set that changed since, naming both digests") {
    tunelab::test::ScratchDir dir;
    const auto csv = [&](double shift) {
      std::string text = "x,y\n";
      for (int i = 0; i < 60; ++i)
        text += std::to_string(i) + "," + std::to_string(2.0 * i + shift) + "\n";
      dir.write("d.csv", text);
    };
    csv(0);
    const auto file = dir.write(
        "e.yaml",
        "name: e\ndata:\n  dataset: csv\n  args: {path: d.csv, target: y}\n  split: {train: 0.6, "
        "val: 0.2, test: 0.2}\nmodel: {name: linear}\ntrainer: {epochs: 2}\nsearch:\n  trials: 1\n "
        " "
        "space:\n    trainer.lr: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}\n");
    const std::string run =
        "run " + file.string() + " --quiet --storage " + (dir.path() / "s.db").string();
    REQUIRE(tunelab::test::run_tunelab(run).exit_status == 0);
    csv(1);
    auto r = tunelab::test::run_tunelab(run + " --resume --trials 2");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("ran on another data set (digest ") != std::string::npos);
    CHECK(r.output.find("--allow-data-change") != std::string::npos);
    r = tunelab::test::run_tunelab(run + " --resume --trials 2 --allow-data-change");
    CHECK_MESSAGE(r.exit_status == 0, r.output);
  }
}
