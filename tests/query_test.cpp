// Querying a results store from the command line: studies, trials, best,
// show, compare, export, importance, rerun and predict, each checked against
// what the store holds (read with plain SQL).

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/experiment_loader.h"
#include "data/split.h"

#include "support.h"
#include "test_paths.h"

namespace {

using nlohmann::json;

std::unique_ptr<tunelab::test::StoredStudies> stored_study(const std::string& extra = "") {
  return tunelab::test::quickstart_studies({""}, extra);
}

}  // namespace

TEST_SUITE("query: listings") {
  TEST_CASE("studies lists every study with its trials by state and its best value") {
    const auto s = stored_study();
    REQUIRE(
        tunelab::test::run_tunelab("run experiments/quickstart.yaml --set search.trials=2 --set "
                                   "trainer.epochs=2 --study second --quiet" +
                                   s->storage)
            .exit_status == 0);
    const json studies = tunelab::test::json_of("studies --format json" + s->storage);
    REQUIRE(studies.size() == 2);
    SQLite::Database d(s->db);
    CHECK(studies[0]["study"] == "quickstart");
    CHECK(studies[0]["trials"] == 6);
    CHECK(studies[0]["complete"] == 6);
    CHECK(studies[1]["study"] == "second");
    CHECK(studies[1]["trials"] == 2);
    const double best = d.execAndGet(
                             "SELECT min(value) FROM trials JOIN studies USING (study_id) "
                             "WHERE name = 'quickstart'")
                            .getDouble();
    CHECK(studies[0]["best"].get<double>() == best);

    const auto table = tunelab::test::run_tunelab("studies" + s->storage);
    CHECK(table.exit_status == 0);
    CHECK(table.output.rfind("study ", 0) == 0);
    CHECK(table.output.find("\nquickstart ") != std::string::npos);
    const auto csv = tunelab::test::run_tunelab("studies --format csv" + s->storage);
    CHECK(csv.output.rfind("study,trials,complete,pruned,failed,running,metric,best,", 0) == 0);
    CHECK(tunelab::test::lines_of(csv.output).size() == 3);
  }

  TEST_CASE("wall_s is the time trials ran, not the hours between a run and its resume") {
    const auto s = stored_study();
    {
      SQLite::Database d(s->db, SQLite::OPEN_READWRITE);
      // Trials 0-2 ran at 9:00 (overlapping: 3 s in all), 3-5 at 10:00 after
      // a resume (2 s).
      for (int number = 0; number < 6; ++number) {
        const bool later = number >= 3;
        const int start = later ? (number - 3) / 2 : number;
        SQLite::Statement set(d,
                              "UPDATE trials SET started_at = ?, finished_at = ? WHERE number = ?");
        set.bind(1, fmt::format("2030-01-01T{:02}:00:0{}.000", later ? 10 : 9, start));
        set.bind(2, fmt::format("2030-01-01T{:02}:00:0{}.000", later ? 10 : 9, start + 1));
        set.bind(3, number);
        set.exec();
      }
    }
    const json studies = tunelab::test::json_of("studies --format json" + s->storage);
    CHECK(studies[0]["wall_s"].get<double>() == doctest::Approx(5.0));
  }

  TEST_CASE("trials sorts by the metric or a param and keeps the top K") {
    const auto s = stored_study();
    SQLite::Database d(s->db);
    const json top = tunelab::test::json_of("trials quickstart --top 3 --format json" + s->storage);
    REQUIRE(top.size() == 3);
    SQLite::Statement best(d, "SELECT number, value FROM trials ORDER BY value LIMIT 3");
    for (int i = 0; best.executeStep(); ++i) {
      CHECK(top[i]["number"] == best.getColumn(0).getInt());
      CHECK(top[i]["val_loss"].get<double>() == best.getColumn(1).getDouble());
    }
    // By a param's short name, largest first; by its full path, smallest first.
    const json by_lr =
        tunelab::test::json_of("trials quickstart --sort lr --desc --format json" + s->storage);
    REQUIRE(by_lr.size() == 6);
    for (std::size_t i = 1; i < by_lr.size(); ++i)
      CHECK(by_lr[i - 1]["lr"].get<double>() >= by_lr[i]["lr"].get<double>());
    const json by_path =
        tunelab::test::json_of("trials quickstart --sort trainer.lr --format json" + s->storage);
    CHECK(by_path.front()["number"] == by_lr.back()["number"]);

    const auto none =
        tunelab::test::run_tunelab("trials quickstart --state fail --format csv" + s->storage);
    CHECK(none.exit_status == 0);
    CHECK(tunelab::test::lines_of(none.output).size() == 1);  // the header only

    auto r = tunelab::test::run_tunelab("trials quickstart --sort lrr" + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--sort: unknown column 'lrr' (did you mean 'lr'?") != std::string::npos);
    r = tunelab::test::run_tunelab("trials quickstart --state done" + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("unknown state 'DONE'") != std::string::npos);
    r = tunelab::test::run_tunelab("trials quickstart --top 0" + s->storage);
    CHECK(r.exit_status == 2);
  }

  TEST_CASE("trials sorts by any loss or recorded metric, and --metrics shows them all") {
    const auto s = stored_study();
    SQLite::Database d(s->db);
    for (const std::string name : {"test_rmse", "val_loss", "test_loss", "train_loss", "val_r2"}) {
      const json sorted = tunelab::test::json_of("trials quickstart --sort " + name +
                                                 " --format json" + s->storage);
      REQUIRE_MESSAGE(sorted.size() == 6, name);
      for (std::size_t i = 1; i < sorted.size(); ++i)
        CHECK_MESSAGE(sorted[i - 1][name].get<double>() <= sorted[i][name].get<double>(), name);
    }
    // The sorted column holds what the store recorded.
    const json by_test = tunelab::test::json_of(
        "trials quickstart --sort test_rmse --desc --format json" + s->storage);
    CHECK(
        by_test.front()["test_rmse"].get<double>() ==
        d.execAndGet("SELECT max(value) FROM trial_metrics WHERE name = 'test_rmse'").getDouble());
    const auto all =
        tunelab::test::run_tunelab("trials quickstart --metrics --format csv" + s->storage);
    CHECK(all.exit_status == 0);
    const std::string header = tunelab::test::lines_of(all.output).front();
    CHECK(header.rfind("number,state,val_loss,train_loss,test_loss,", 0) == 0);
    for (const std::string name : {",test_rmse,", ",test_r2,", ",val_mae,", ",n_params,"})
      CHECK_MESSAGE(header.find(name) != std::string::npos, header);
  }

  TEST_CASE("a wide table is cut into blocks that fit the terminal, each with the key column") {
    const auto s = stored_study();
    const auto r =
        tunelab::test::run_shell("COLUMNS=60 \"$TUNELAB\" trials quickstart" + s->storage);
    REQUIRE(r.exit_status == 0);
    int headers = 0;
    for (const auto& line : tunelab::test::lines_of(r.output)) {
      CHECK(line.size() <= 60);
      headers += line.rfind("number", 0) == 0;
    }
    CHECK(headers >= 2);
    const auto wide =
        tunelab::test::run_shell("COLUMNS=500 \"$TUNELAB\" trials quickstart" + s->storage);
    CHECK(tunelab::test::lines_of(wide.output).size() == 7);  // header and 6 trials, in one block
  }
}

TEST_SUITE("query: one study") {
  TEST_CASE("best gives the best trial's params, metrics, seed, curve and importance") {
    const auto s = stored_study();
    SQLite::Database d(s->db);
    SQLite::Statement q(d,
                        "SELECT number, value, seed, params_json, test_loss FROM trials "
                        "WHERE state = 'COMPLETE' ORDER BY value LIMIT 1");
    REQUIRE(q.executeStep());
    const json best = tunelab::test::json_of("best quickstart --format json" + s->storage);
    CHECK(best["trial"] == q.getColumn(0).getInt());
    CHECK(best["value"].get<double>() == q.getColumn(1).getDouble());
    CHECK(best["test_loss"].get<double>() == q.getColumn(4).getDouble());
    CHECK(static_cast<std::int64_t>(best["seed"].get<std::uint64_t>()) ==
          q.getColumn(2).getInt64());
    CHECK(best["params"] == json::parse(q.getColumn(3).getString()));
    CHECK(best["curve"] == "tunelab show quickstart " + q.getColumn(0).getString());
    CHECK(std::filesystem::exists(best["weights"].get<std::string>()));
    // Every param once, shares summing to 1.
    REQUIRE(best["importance"].is_array());
    CHECK(best["importance"].size() == 5);
    double sum = 0;
    for (const auto& p : best["importance"]) sum += p["importance"].get<double>();
    CHECK(sum == doctest::Approx(1.0));
    // Six trials: the importances come with their caveat.
    CHECK(best["importance_caveat"].get<std::string>().rfind("from 6 complete trials only: rough",
                                                             0) == 0);

    const auto text = tunelab::test::run_tunelab("best quickstart" + s->storage);
    CHECK(text.output.find("params:\n  model.act_fn ") != std::string::npos);
    CHECK(text.output.find("importance:\n  param ") != std::string::npos);
  }

  TEST_CASE("show gives a trial's params, its per-epoch curve and the study's provenance") {
    const auto s = stored_study();
    SQLite::Database d(s->db);
    const json shown = tunelab::test::json_of("show quickstart 2 --format json" + s->storage);
    CHECK(shown["trial"] == 2);
    SQLite::Statement q(d,
                        "SELECT e.epoch, e.train_loss, e.val_loss FROM epochs e JOIN trials t "
                        "USING (trial_id) WHERE t.number = 2 ORDER BY e.epoch");
    std::size_t i = 0;
    for (; q.executeStep(); ++i) {
      REQUIRE(i < shown["epochs"].size());
      CHECK(shown["epochs"][i]["epoch"] == q.getColumn(0).getInt());
      CHECK(shown["epochs"][i]["train_loss"].get<double>() == q.getColumn(1).getDouble());
      CHECK(shown["epochs"][i]["val_loss"].get<double>() == q.getColumn(2).getDouble());
    }
    CHECK(i == shown["epochs"].size());
    CHECK(shown["epochs_run"] == i);
    REQUIRE(shown["provenance"].size() == 1);
    CHECK(shown["provenance"][0]["libtorch"].get<std::string>().size() > 0);

    const auto csv = tunelab::test::run_tunelab("show quickstart 2 --format csv" + s->storage);
    CHECK(csv.output.rfind("epoch,train_loss,val_loss,lr,seconds\n1,", 0) == 0);
    CHECK(tunelab::test::lines_of(csv.output).size() == i + 1);
  }

  TEST_CASE("importance ranks the params of a study and sums to 1") {
    const auto s = stored_study();
    const json importance =
        tunelab::test::json_of("importance quickstart --format json" + s->storage);
    REQUIRE(importance.size() == 5);
    double sum = 0;
    for (std::size_t i = 0; i < importance.size(); ++i) {
      sum += importance[i]["importance"].get<double>();
      if (i > 0)
        CHECK(importance[i - 1]["importance"].get<double>() >=
              importance[i]["importance"].get<double>());
    }
    CHECK(sum == doctest::Approx(1.0));
    // The same store gives the same numbers.
    CHECK(tunelab::test::json_of("importance quickstart --format json" + s->storage) == importance);
  }

  TEST_CASE("export writes one row per trial with params as columns, as CSV or JSON") {
    const auto s = stored_study();
    const auto out = s->dir.path() / "trials.csv";
    auto r = tunelab::test::run_tunelab("export quickstart --output " + out.string() + s->storage);
    CHECK(r.exit_status == 0);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    const auto lines = tunelab::test::lines_of(text.str());
    REQUIRE(lines.size() == 7);
    CHECK(lines[0] ==
          "number,state,value,train_loss,val_loss,test_loss,n_params,predict_ms_per_1k_rows,"
          "test_mae,test_r2,test_rmse,train_seconds,val_mae,"
          "val_r2,val_rmse,best_epoch,epochs_run,duration_s,"
          "seed,device,started_at,finished_at,error,model.act_fn,model.block,"
          "trainer.batch_size,trainer.lr,trainer.weight_decay");
    CHECK(lines[1].rfind("0,COMPLETE,", 0) == 0);

    const json rows = tunelab::test::json_of("export quickstart --format json" + s->storage);
    REQUIRE(rows.size() == 6);
    CHECK(rows[0]["value"].is_number_float());
    CHECK(rows[0]["trainer.batch_size"].is_number_integer());
    CHECK(rows[0]["model.block"].is_string());
    CHECK(rows[0]["error"].is_null());

    // pandas reads both without options, where it is installed.
    // Debian's python3-pandas, where it is installed.
    const auto json_file = s->dir.path() / "trials.json";
    REQUIRE(tunelab::test::run_tunelab("export quickstart --format json -o " + json_file.string() +
                                       s->storage)
                .exit_status == 0);
    r = tunelab::test::run_shell(
        "/usr/bin/python3 -c 'import pandas' 2>/dev/null || { echo skipped; exit 0; }; "
        "/usr/bin/python3 -c \"import pandas as pd, sys\n"
        "for t in (pd.read_csv(sys.argv[1]), pd.read_json(sys.argv[2])):\n"
        "  print(len(t), t['value'].dtype, t['trainer.batch_size'].dtype, t['error'].isna().all())"
        "\" " +
        out.string() + " " + json_file.string());
    CHECK(r.exit_status == 0);
    if (r.output != "skipped\n") CHECK(r.output == "6 float64 int64 True\n6 float64 int64 True\n");

    r = tunelab::test::run_tunelab("export quickstart --format table" + s->storage);
    CHECK(r.exit_status == 2);
    r = tunelab::test::run_tunelab("export quickstart --output " + s->dir.path().string() +
                                   s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("is a directory") != std::string::npos);
  }
}

TEST_SUITE("query: several studies") {
  TEST_CASE("compare puts studies side by side with the differences in their configs") {
    const auto s = stored_study();
    REQUIRE(
        tunelab::test::run_tunelab("run experiments/quickstart.yaml --set search.trials=3 --set "
                                   "trainer.epochs=2 --study short --quiet" +
                                   s->storage)
            .exit_status == 0);
    const json rows = tunelab::test::json_of("compare quickstart short --format json" + s->storage);
    std::map<std::string, json> by_row;
    for (const auto& row : rows) by_row[row["study"].get<std::string>()] = row;
    CHECK(by_row["complete"]["quickstart"] == 6);
    CHECK(by_row["complete"]["short"] == 3);
    CHECK(by_row["config trainer.epochs"]["quickstart"] == 4);
    CHECK(by_row["config trainer.epochs"]["short"] == 2);
    CHECK(by_row.count("config trainer.lr") == 0);  // the same in both: not shown
    CHECK(by_row.count("best trainer.lr") == 1);
    const json best = tunelab::test::json_of("best short --format json" + s->storage);
    CHECK(by_row["best"]["short"] == best["value"]);
    CHECK(by_row["best trainer.lr"]["short"] == best["params"]["trainer.lr"]);
    // The median of three values is the middle one.
    SQLite::Database d(s->db);
    CHECK(by_row["median"]["short"].get<double>() ==
          d.execAndGet("SELECT value FROM trials JOIN studies USING (study_id) WHERE name = "
                       "'short' ORDER BY value LIMIT 1 OFFSET 1")
              .getDouble());

    const auto r = tunelab::test::run_tunelab("compare quickstart quickstart" + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("named twice") != std::string::npos);
  }

  TEST_CASE("an unknown study or trial names the ones there are and exits 2") {
    const auto s = stored_study();
    for (const std::string command :
         {"trials quickstrat", "best quickstrat", "show quickstrat 0", "compare quickstrat",
          "export quickstrat", "importance quickstrat", "rerun quickstrat 0",
          "predict quickstrat --input data/diabetes.csv"}) {
      const auto r = tunelab::test::run_tunelab(command + s->storage);
      CHECK_MESSAGE(r.exit_status == 2, command);
      CHECK_MESSAGE(r.output.find("no study 'quickstrat' in " + s->db +
                                  " (did you mean 'quickstart'?); its studies: quickstart") !=
                        std::string::npos,
                    r.output);
    }
    for (const std::string command : {"show quickstart 6", "rerun quickstart 6",
                                      "predict quickstart --trial 6 --input data/diabetes.csv"}) {
      const auto r = tunelab::test::run_tunelab(command + s->storage);
      CHECK_MESSAGE(r.exit_status == 2, command);
      CHECK(r.output.find("study 'quickstart' has no trial 6; its trials are numbered 0 to 5") !=
            std::string::npos);
    }
    const auto missing =
        tunelab::test::run_tunelab("studies --storage " + (s->dir.path() / "none.db").string());
    CHECK(missing.exit_status == 2);
    CHECK(missing.output.find("no results store there") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(s->dir.path() / "none.db"));
  }

  TEST_CASE("names with quotes and SQL in them are data") {
    tunelab::test::ScratchDir dir;
    const std::string db = (dir.path() / "s.db").string();
    const std::string name = "it's\"; DROP TABLE trials; --";
    // The shell's single quotes, with the one inside written as '\''.
    const std::string quoted = "'it'\\''s\"; DROP TABLE trials; --'";
    auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.trials=2 --set trainer.epochs=2 --quiet "
        "--study " +
        quoted + " --storage " + db);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    for (const std::string& command :
         {"trials " + quoted, "best " + quoted, "show " + quoted + " 1", "compare " + quoted,
          "export " + quoted, "rerun " + quoted + " 0"}) {
      r = tunelab::test::run_tunelab(command + " --storage " + db);
      CHECK_MESSAGE(r.exit_status == 0, (command + "\n" + r.output));
    }
    const json best = tunelab::test::json_of("best " + quoted + " --format json --storage " + db);
    CHECK(best["study"] == name);
    // The SQL it suggests runs and finds the curve.
    SQLite::Database d(db);
    SQLite::Statement curve(d, best["curve_sql"].get<std::string>());
    CHECK(curve.executeStep());
    CHECK(d.execAndGet("SELECT count(*) FROM trials").getInt() == 2);
  }
}

TEST_SUITE("query: rerun and predict") {
  TEST_CASE("predict refuses rows it cannot give a finite value, and writes nothing") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "q.db").string();
    REQUIRE(tunelab::test::run_tunelab("run experiments/quickstart.yaml --quiet --trials 2 --set "
                                       "trainer.epochs=3" +
                                       storage)
                .exit_status == 0);
    // Every value 3e38: the model's sums overflow.
    dir.write("huge.csv",
              "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n"
              "3e38,3e38,3e38,3e38,3e38,3e38,3e38,3e38,3e38,3e38\n");
    const auto out = dir.path() / "p.csv";
    const auto r = tunelab::test::run_tunelab("predict quickstart --input " +
                                              (dir.path() / "huge.csv").string() + " --output " +
                                              out.string() + storage);
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("predicts no finite value for 1 row (the first at line 2)") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
  }

  TEST_CASE("rerun retrains a trial bit-identically and reports a version mismatch") {
    const auto s = stored_study();
    auto r = tunelab::test::run_tunelab("rerun quickstart 3" + s->storage);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("retrained 4 of 4 stored epochs on cpu") != std::string::npos);
    CHECK(r.output.find("largest absolute difference from the stored losses: 0 (bit-identical)") !=
          std::string::npos);
    CHECK(r.output.find("note:") == std::string::npos);

    {
      SQLite::Database d(s->db, SQLite::OPEN_READWRITE);
      d.exec("UPDATE provenance SET tunelab_version = '0.0.1', libtorch_version = '0.9'");
      d.exec(
          "UPDATE epochs SET train_loss = train_loss + 0.5 WHERE epoch = 2 AND trial_id = "
          "(SELECT trial_id FROM trials WHERE number = 3)");
    }
    r = tunelab::test::run_tunelab("rerun quickstart 3" + s->storage);
    CHECK(r.exit_status == 1);  // above float noise: a rerun that does not reproduce fails
    CHECK(r.output.find("did not reproduce: train_loss differs by 0.5 in epoch 2") !=
          std::string::npos);
    CHECK(r.output.find("note: recorded by tunelab 0.0.1") != std::string::npos);
    CHECK(r.output.find("note: recorded with LibTorch 0.9, rerun with LibTorch ") !=
          std::string::npos);
    CHECK(r.output.find("largest absolute difference from the stored losses: 0.5 (train_loss in "
                        "epoch 2)") != std::string::npos);
    r = tunelab::test::run_tunelab("rerun quickstart 3 --tolerance 0.1" + s->storage);
    CHECK(r.exit_status == 1);
    CHECK(r.output.find("above --tolerance 0.1") != std::string::npos);
    {
      // A trial stored as failed in training is expected to fail again.
      SQLite::Database d(s->db, SQLite::OPEN_READWRITE);
      d.exec(
          "UPDATE trials SET state = 'FAIL', error = 'training loss became NaN in epoch 5' "
          "WHERE number = 1");
    }
    r = tunelab::test::run_tunelab("rerun quickstart 1" + s->storage);
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("note: did not fail this time (stored: training loss became NaN in epoch "
                        "5)") != std::string::npos);
    const json j =
        tunelab::test::json_of("rerun quickstart 3 --tolerance 1 --format json" + s->storage);
    CHECK(j["max_abs_diff"].get<double>() == doctest::Approx(0.5));
  }

  TEST_CASE("predict refuses another trial's weights file copied into place") {
    const auto s = tunelab::test::quickstart_studies({""}, "--keep-weights all");
    const auto folder = s->dir.path() / "s.weights" / "study-1";
    REQUIRE(std::filesystem::exists(folder / "trial-0.pt"));
    REQUIRE(std::filesystem::exists(folder / "trial-1.pt"));
    auto r = tunelab::test::run_tunelab("predict quickstart --trial 1 --input data/diabetes.csv" +
                                        s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    std::filesystem::copy_file(folder / "trial-0.pt", folder / "trial-1.pt",
                               std::filesystem::copy_options::overwrite_existing);
    r = tunelab::test::run_tunelab("predict quickstart --trial 1 --input data/diabetes.csv" +
                                   s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("trial-1.pt: another trial's weights") != std::string::npos);
  }

  TEST_CASE("predict applies the kept model to new rows: on the test rows it gives the test loss") {
    const auto s = stored_study();
    const json best = tunelab::test::json_of("best quickstart --format json" + s->storage);

    // The study's test rows, as raw values, the way a user would have them.
    const auto rows = s->dir.write("rows.csv", tunelab::test::quickstart_test_rows_csv());
    const auto out = s->dir.path() / "predictions.csv";
    auto r = tunelab::test::run_tunelab("predict quickstart --input " + rows.string() +
                                        " --output " + out.string() + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("mse loss on 89 rows with targets: ") != std::string::npos);
    CHECK(tunelab::test::predicted_loss(r.output, 89) ==
          doctest::Approx(best["test_loss"].get<double>()).epsilon(1e-5));

    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    const auto lines = tunelab::test::lines_of(text.str());
    REQUIRE(lines.size() == 89 + 1);
    CHECK(lines[0] == "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,target,predicted_target");

    // Without targets: predictions only; without a needed column: exit 2.
    const auto no_target = s->dir.write("x.csv",
                                        "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n"
                                        "59,2,32.1,101,157,93.2,38,4,4.8598,87\n");
    r = tunelab::test::run_shell("\"$TUNELAB\" predict quickstart --input " + no_target.string() +
                                 s->storage + " 2>&1");
    CHECK(r.exit_status == 0);
    CHECK(r.output.find("loss") == std::string::npos);
    CHECK(r.output.find("\n59,2,32.1,101,157,93.2,38,4,4.8598,87,") != std::string::npos);
    const auto missing = s->dir.write("m.csv", "age,sex\n1,2\n");
    r = tunelab::test::run_tunelab("predict quickstart --input " + missing.string() + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("reads columns that the file lacks") != std::string::npos);
    CHECK(r.output.find("m.csv: unknown column 'bmi'") != std::string::npos);
    CHECK(r.output.find("it reads age, sex, bmi, bp, s1, s2, s3, s4, s5, s6") != std::string::npos);
    // A trial without kept weights says which trials have them.
    const int other = best["trial"] == 0 ? 1 : 0;
    r = tunelab::test::run_tunelab("predict quickstart --trial " + std::to_string(other) +
                                   " --input " + rows.string() + s->storage);
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no weights were kept (trials with weights: " +
                        std::to_string(best["trial"].get<int>()) + ";") != std::string::npos);
  }

  TEST_CASE("--keep-weights: only the best trial's file by default, every trial's with all") {
    const auto count_files = [](const std::filesystem::path& folder) {
      int n = 0;
      for (const auto& e : std::filesystem::recursive_directory_iterator(folder))
        n += e.is_regular_file();
      return n;
    };
    const auto best = stored_study();
    CHECK(count_files(best->dir.path() / "s.weights") == 1);
    const auto all = stored_study("--keep-weights all");
    CHECK(count_files(all->dir.path() / "s.weights") == 6);
    SQLite::Database d(all->db);
    CHECK(d.execAndGet("SELECT count(*) FROM weights").getInt() == 6);
    const auto none = stored_study("--keep-weights none");
    CHECK_FALSE(std::filesystem::exists(none->dir.path() / "s.weights"));
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --keep-weights some --storage " +
        (none->dir.path() / "t.db").string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("--keep-weights: expected best, all or none, got 'some'") !=
          std::string::npos);
  }
}
