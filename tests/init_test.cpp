// tunelab init: from a CSV to a commented experiment file that runs.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.h"
#include "test_paths.h"

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("init") {
  TEST_CASE("init writes a file that says how it read the table, and it runs and predicts") {
    tunelab::test::ScratchDir dir;
    std::filesystem::create_directories(dir.path() / "data");
    std::filesystem::copy_file(std::string(tunelab::test::kSourceDir) + "/data/churn.csv",
                               dir.path() / "data" / "churn.csv");
    const std::string in_dir = "cd '" + dir.path().string() + "' && ";
    auto r =
        tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init data/churn.csv --target churned 2>&1");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("wrote churn.yaml") != std::string::npos);
    const std::string text = read_text(dir.path() / "churn.yaml");
    CHECK_MESSAGE(text.find("task: classification") != std::string::npos, text);
    CHECK(text.find("ignore: [\"customer_id\"]   # every value distinct text: an identifier") !=
          std::string::npos);
    CHECK(text.find("\"region\"") == std::string::npos);  // read, not ignored
    CHECK(text.find("#   region                   category, 4 levels") != std::string::npos);
    CHECK(text.find("#   tenure_months            number") != std::string::npos);
    CHECK(text.find("folds: 5") != std::string::npos);  // 1,200 rows: small
    CHECK(text.find("Gorishniy et al. 2021") != std::string::npos);
    CHECK(text.find("  linear_skip: true") != std::string::npos);
    // Few validation rows: the best trials, equally weighted (measured).
    CHECK(text.find("  ensemble: {size: 10, method: top}") != std::string::npos);
    CHECK(text.find("path: \"data/churn.csv\"") != std::string::npos);

    // It runs as written (a short budget here), and predicts.
    r = tunelab::test::run_shell(in_dir +
                                 "\"$TUNELAB\" run churn.yaml --trials 2 --set trainer.epochs=3 "
                                 "--set data.folds=1 --quiet");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = tunelab::test::run_shell(
        in_dir + "\"$TUNELAB\" predict churn --input data/churn.csv --output p.csv");
    CHECK_MESSAGE(r.exit_status == 0, r.output);

    // Never over a file without --force; never over the table or the store.
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init data/churn.csv --target churned 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("the file exists; --force replaces it") != std::string::npos);
    r = tunelab::test::run_shell(in_dir +
                                 "\"$TUNELAB\" init data/churn.csv --target churned --force 2>&1");
    CHECK(r.exit_status == 0);
    for (const char* output : {"data/churn.csv", "results/tunelab.db"}) {
      CAPTURE(output);
      r = tunelab::test::run_shell(in_dir +
                                   "\"$TUNELAB\" init data/churn.csv --target churned "
                                   "--force -o " +
                                   output + " 2>&1");
      CHECK(r.exit_status == 2);
    }
    CHECK(read_text(dir.path() / "data" / "churn.csv").rfind("customer_id,", 0) == 0);
  }

  TEST_CASE("init on a regression table, a two-valued target, and mistakes") {
    tunelab::test::ScratchDir dir;
    // y grows exponentially (a price's shape: most small, a long tail), u
    // evenly over the same decades.
    std::string rows = "x,code,y,u,flag\n";
    for (int i = 0; i < 3000; ++i)
      rows += fmt::format("{},{},{},{},{}\n", i * 0.5, i % 7,
                          i % 11 == 0 ? "NA" : fmt::format("{:.0f}", std::exp(i / 400.0)), i + 1,
                          i % 2);
    dir.write("t.csv", rows);
    const std::string in_dir = "cd '" + dir.path().string() + "' && ";
    auto r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init t.csv --target y -o -");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK(r.output.find("task: regression") != std::string::npos);
    CHECK(r.output.find("missing_target: drop   # 273 rows have no target") != std::string::npos);
    CHECK(r.output.find("folds:") == std::string::npos);       // 2,727 rows: medium
    CHECK(r.output.find("linear_skip") == std::string::npos);  // measured for small tables
    CHECK(r.output.find("  ensemble: {size: 10}   # Caruana et al. 2004's greedy selection") !=
          std::string::npos);
    CHECK(r.output.find("standardize: {x: true, y: true}") != std::string::npos);
    // From 1 to 1804, skewed: a positive target over decades trains on its
    // log, and says why.
    CHECK_MESSAGE(r.output.find("target_transform: log   # 'y' runs from 1 to 1804, skewed "
                                "(skewness 2.1, of its log -0.02") != std::string::npos,
                  r.output);
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init t.csv --target x -o -");
    CHECK(r.output.find("target_transform") == std::string::npos);  // 0 is not above 0
    // Over the same decades but even: its log would skew it the other way.
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init t.csv --target u -o -");
    CHECK(r.output.find("task: regression") != std::string::npos);
    CHECK(r.output.find("target_transform") == std::string::npos);
    // The last column by default: two values make classes.
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init t.csv -o -");
    CHECK(r.output.find("task: classification") != std::string::npos);
    CHECK(r.output.find("holds two values (0, 1)") != std::string::npos);

    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init t.csv --target Y -o - 2>&1");
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.output.find("did you mean 'y'") != std::string::npos, r.output);
    dir.write("empty.csv", "a,b\n");
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init empty.csv -o - 2>&1");
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("no data rows after the header") != std::string::npos);
    r = tunelab::test::run_shell(in_dir + "\"$TUNELAB\" init missing.csv -o - 2>&1");
    CHECK(r.exit_status == 2);
  }

  TEST_CASE(
      "init points at a row number, numbers with thousands separators, levels of a row or two") {
    tunelab::test::ScratchDir dir;
    // A spreadsheet's export: a row number, an area written "12,000", a
    // date of many levels, a category and a small count.
    std::string rows = "Id,area,sold,zone,rooms,price\n";
    for (int i = 1; i <= 40; ++i)
      rows += fmt::format("{},\"{},000\",2010-01-{:02d},{},{},{}\n", i, 1 + i % 25, 1 + i % 28,
                          i % 3 ? "A" : "B", i % 7 + 1, 1000 + i * 13 % 97);
    dir.write("h.csv", rows);
    const auto r = tunelab::test::run_shell("cd '" + dir.path().string() +
                                            "' && \"$TUNELAB\" init h.csv --target price -o -");
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    CHECK_MESSAGE(
        r.output.find("#   Id                       number (1, 2, 3, ... down the file: a "
                      "row number? if so, list it in args.ignore)") != std::string::npos,
        r.output);
    CHECK(r.output.find("#   area                     category, 25 levels (numbers with ',' "
                        "between thousands: saved without the commas they read as numbers)") !=
          std::string::npos);
    CHECK(r.output.find("#   sold                     category, 28 levels (a level for every two "
                        "rows or fewer") != std::string::npos);
    CHECK(r.output.find("#   zone                     category, 2 levels\n") != std::string::npos);
    CHECK(r.output.find("#   rooms                    number\n") != std::string::npos);
  }
}
