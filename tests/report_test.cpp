// Seeing results: the HTML report (rendered in headless Chromium), the model
// graph, the Optuna export (read back by Optuna itself) and the summary at
// the end of a run.

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "report/figures.h"
#include "support.h"
#include "test_paths.h"

namespace {

using nlohmann::json;

using tunelab::test::StoredStudies;

std::unique_ptr<StoredStudies> stored_studies(const std::vector<std::string>& names) {
  return tunelab::test::quickstart_studies(names);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The page as headless Chromium has it after loading: its DOM, and what
// Chromium logged. Empty when Chromium is not installed.
struct Rendered {
  std::string dom, log;
};
std::optional<Rendered> rendered(const std::filesystem::path& page,
                                 const tunelab::test::ScratchDir& dir) {
  if (tunelab::test::run_shell("command -v chromium >/dev/null").exit_status != 0)
    return std::nullopt;
  const auto log = dir.path() / "chromium.log";
  const auto r = tunelab::test::run_shell(fmt::format(
      "HOME='{0}' chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 "
      "--user-data-dir='{0}/profile' --dump-dom 'file://{1}' 2>'{2}'",
      dir.path().string(), page.string(), log.string()));
  return Rendered{r.output, read_file(log)};
}

}  // namespace

TEST_SUITE("report") {
  TEST_CASE(
      "a study's report shows the winner, every figure and the top trials, and loads in Chromium") {
    const auto s = stored_studies({"quick"});
    const auto page = s->dir.path() / "quick.html";
    const auto r = tunelab::test::run_tunelab("report quick --html " + page.string() + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string html = read_file(page);
    const json best = tunelab::test::json_of("best quick --format json" + s->storage);

    // The winner, its params and the sections a reader looks for.
    CHECK(html.find(fmt::format("Trial {} won with val_loss", best["trial"].get<int>())) !=
          std::string::npos);
    for (const auto& [path, value] : best["params"].items()) {
      CHECK(html.find("<td>" + path + "</td>") != std::string::npos);
      (void)value;
    }
    for (const char* section : {"How the search converged", "Which parameters mattered",
                                "Learning curves of the best trials", "The 6 best trials",
                                "The best trial&#39;s model", "Configuration and provenance"})
      CHECK_MESSAGE(html.find(section) != std::string::npos, section);
    // History, importance, parallel coordinates, learning curves, model graph.
    CHECK(count_of(html, "<img class=\"figure\"") == 5);
    CHECK(html.find("data-figures=\"5\"") != std::string::npos);
    // Self-contained: nothing is fetched.
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);

    const auto shown = rendered(page, s->dir);
    if (!shown) {
      MESSAGE("chromium is not installed: the page was not rendered");
      return;
    }
    CHECK_MESSAGE(shown->dom.find("data-figures-shown=\"5 of 5\"") != std::string::npos,
                  shown->dom.substr(0, 2000));
    CHECK_MESSAGE(shown->log.find("Uncaught") == std::string::npos, shown->log);
    CHECK(shown->dom.find("<p class=\"missing\">") == std::string::npos);
  }

  TEST_CASE("a figure that cannot be decoded is named in its place, and the page says so") {
    const auto s = stored_studies({"quick"});
    const auto page = s->dir.path() / "quick.html";
    REQUIRE(tunelab::test::run_tunelab("report quick --html " + page.string() + s->storage)
                .exit_status == 0);
    // Break the first figure's data, as a truncated copy of the file would.
    std::string html = read_file(page);
    const auto at = html.find("base64,") + 7;
    html.replace(at, 40, std::string(40, '!'));
    std::ofstream(page, std::ios::binary) << html;
    const auto shown = rendered(page, s->dir);
    if (!shown) return;
    CHECK(shown->dom.find("data-figures-shown=\"4 of 5\"") != std::string::npos);
    CHECK(shown->dom.find("This figure could not be shown: optimisation history") !=
          std::string::npos);
  }

  TEST_CASE("several studies get a comparison with a combined history, then a section each") {
    const auto s = stored_studies({"first", "second"});
    const auto page = s->dir.path() / "both.html";
    const auto r =
        tunelab::test::run_tunelab("report first second --html " + page.string() + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string html = read_file(page);
    CHECK(html.find("<h2 id=\"comparison\">Comparison</h2>") != std::string::npos);
    CHECK(html.find("<h2 id=\"study-1\">Study first</h2>") != std::string::npos);
    CHECK(html.find("<h2 id=\"study-2\">Study second</h2>") != std::string::npos);
    CHECK(count_of(html, "<img class=\"figure\"") == 1 + 2 * 5);
  }

  TEST_CASE(
      "a report speaks in the metric's units, and of the front for several objectives, as "
      "compare does") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --trials 3 --set trainer.epochs=3 --set "
        "search.metric=val_rmse --quiet --study rmse" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    r = tunelab::test::run_tunelab(
        "run experiments/diabetes_tradeoff.yaml --trials 4 --set trainer.epochs=3 --quiet "
        "--study tradeoff" +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto page = dir.path() / "both.html";
    r = tunelab::test::run_tunelab("report rmse tradeoff --html " + page.string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string html = read_file(page);

    // One objective in the target's units: the headline's held-out figure is
    // test_rmse, and the top trials table has no standardised losses.
    const json best = tunelab::test::json_of("best rmse --format json" + storage);
    CHECK_MESSAGE(html.find(fmt::format("Trial {} won with val_rmse", best["trial"].get<int>())) !=
                      std::string::npos,
                  html.substr(0, 3000));
    CHECK(html.find("(test_rmse ") != std::string::npos);
    CHECK(html.find("(test loss") == std::string::npos);
    const auto top = html.find("best trials</h3>");
    REQUIRE(top != std::string::npos);
    const std::string top_table = html.substr(top, html.find("</table>", top) - top);
    CHECK(top_table.find("<th>test_rmse</th>") != std::string::npos);
    CHECK(top_table.find("<th>val_loss</th>") == std::string::npos);

    // Several objectives: the headline is the front, not a winner.
    CHECK(html.find("trials on the Pareto front of val_rmse (min) and n_params (min), after 4 "
                    "trials") != std::string::npos);
    const json compared = tunelab::test::json_of("compare rmse tradeoff --format json" + storage);
    bool metric_row = false, front_row = false;
    for (const auto& row : compared) {
      if (row["study"] == "metric") {
        metric_row = true;
        CHECK(row["rmse"] == "val_rmse");
        CHECK(row["tradeoff"] == "val_rmse, n_params");
      }
      if (row["study"] == "best_trial") {
        front_row = true;
        CHECK(row["tradeoff"].get<std::string>().rfind("front of ", 0) == 0);
      }
    }
    CHECK(metric_row);
    CHECK(front_row);
  }

  TEST_CASE("the optimisation history draws a triangle at the axis for each clipped trial") {
    tunelab::StudyHistory history{"s", {}, tunelab::Direction::minimize, {}};
    for (int i = 0; i < 20; ++i)
      history.values.push_back({i, i == 3 || i == 7 ? 1e3 : 1 + 0.1 * i});
    const std::string svg = tunelab::history_figure({history}, "val_loss");
    CHECK(svg.find("above the axis (clipped)") != std::string::npos);
    // gnuplot's filled triangle (pt 9) is its symbol gpPt8: one per clipped trial.
    CHECK(count_of(svg, "xlink:href='#gpPt8' transform") == 2);
    history.values[3].second = 1.3;
    history.values[7].second = 1.7;
    const std::string none = tunelab::history_figure({history}, "val_loss");
    CHECK(none.find("clipped") == std::string::npos);
    CHECK(count_of(none, "xlink:href='#gpPt8' transform") == 0);
  }

  TEST_CASE("a study whose every trial failed gets a report that says so") {
    tunelab::test::ScratchDir dir;
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    const auto run = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.trials=2 --set trainer.epochs=3 --set "
        "'search.space={trainer.lr: {type: float, low: 1.0e+30, high: 1.0e+31}}' --quiet --study "
        "diverged" +
        storage);
    REQUIRE_MESSAGE(run.exit_status == 1, run.output);
    const auto page = dir.path() / "diverged.html";
    const auto r = tunelab::test::run_tunelab("report diverged --html " + page.string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string html = read_file(page);
    CHECK(html.find("No trial completed: 2 trials (0 complete, 0 pruned, 2 failed)") !=
          std::string::npos);
    CHECK(count_of(html, "<img class=\"figure\"") == 0);
  }

  TEST_CASE("a classifier's confusion matrix is of the study's rows, or left out with why") {
    tunelab::test::ScratchDir dir;
    std::filesystem::create_directories(dir.path() / "data");
    std::filesystem::copy_file(std::string(tunelab::test::kSourceDir) + "/data/churn.csv",
                               dir.path() / "data" / "churn.csv");
    std::filesystem::create_directories(dir.path() / "experiments");
    std::filesystem::copy_file(std::string(tunelab::test::kSourceDir) + "/experiments/churn.yaml",
                               dir.path() / "experiments" / "churn.yaml");
    const std::string storage = " --storage " + (dir.path() / "s.db").string();
    auto r = tunelab::test::run_tunelab("run " + (dir.path() / "experiments/churn.yaml").string() +
                                        " --quiet --trials 1 --set trainer.epochs=3" + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const auto page = dir.path() / "churn.html";
    r = tunelab::test::run_tunelab("report churn --html " + page.string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string shaded = read_file(page);
    CHECK(shaded.find("Counts of the test rows by actual class") != std::string::npos);
    // Shaded by each class's share, columns written upwards to fit.
    CHECK(shaded.find("<table class=\"matrix\">") != std::string::npos);
    CHECK(shaded.find("background: rgba(33, 102, 172, 0.") != std::string::npos);
    // The file changes on disk: the split would too.
    std::ofstream(dir.path() / "data" / "churn.csv", std::ios::app)
        << "C99999,south,basic,3,30.5,2,1,no\n";
    r = tunelab::test::run_tunelab("report churn --html " + page.string() + storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string html = read_file(page);
    CHECK(html.find("Counts of the") == std::string::npos);
    CHECK(html.find("the data set changed since the study ran") != std::string::npos);
  }

  TEST_CASE("report refuses bad input with exit 2 and writes nothing") {
    const auto s = stored_studies({"quick"});
    const auto page = s->dir.path() / "out.html";
    struct Case {
      std::string arguments, message;
    };
    for (const Case& c : std::vector<Case>{
             {"report quikc --html " + page.string(), "did you mean 'quick'"},
             {"report quick", "--html"},
             {"report quick quick --html " + page.string(), "named twice"},
             {"report quick --top 0 --html " + page.string(), "--top: must be at least 1"},
             {"report quick --html " + (s->dir.path() / "missing" / "out.html").string(),
              "missing"},
         }) {
      const auto r = tunelab::test::run_tunelab(c.arguments + s->storage);
      CHECK_MESSAGE(r.exit_status == 2, c.arguments, "\n", r.output);
      CHECK_MESSAGE(r.output.find(c.message) != std::string::npos, c.arguments, "\n", r.output);
      CHECK(!std::filesystem::exists(page));
    }
  }

  TEST_CASE("without gnuplot the report names the package to install and writes nothing") {
    const auto s = stored_studies({"quick"});
    const auto page = s->dir.path() / "out.html";
    const auto r = tunelab::test::run_shell("PATH=/nonexistent \"$TUNELAB\" report quick --html " +
                                            page.string() + s->storage + " 2>&1");
    CHECK(r.exit_status == 1);
    CHECK_MESSAGE(
        r.output.find("gnuplot is not installed (Debian package gnuplot-nox") != std::string::npos,
        r.output);
    CHECK(!std::filesystem::exists(page));
  }
}

TEST_SUITE("model graph") {
  TEST_CASE(
      "model --graph draws every parameter, one residual addition per block, and the output") {
    tunelab::test::ScratchDir dir;
    const auto dot = dir.path() / "model.dot";
    const auto r = tunelab::test::run_tunelab(
        "model experiments/seed_chapter.yaml --tensors --graph " + dot.string());
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const std::string graph = read_file(dot);
    // Every trained tensor --tensors lists is a leaf of the graph, with its shape.
    int parameters = 0;
    const std::regex row(R"((\S+)\s+\[([0-9, ]+)\]\s+\d+\s+yes)");
    for (std::sregex_iterator it(r.output.begin(), r.output.end(), row), end; it != end; ++it) {
      ++parameters;
      std::string shape = (*it)[2];
      if (shape.find(',') == std::string::npos) shape += ",";
      CHECK_MESSAGE(
          graph.find(fmt::format("{}\\n({})", (*it)[1].str(), shape)) != std::string::npos,
          (*it)[1].str());
    }
    CHECK(parameters > 10);
    CHECK(count_of(graph, "fillcolor=lightblue") == parameters);
    // The chapter's resnet has 3 x 3 residual blocks, each ending in an addition.
    CHECK(count_of(graph, "\"AddBackward0\"") == 9);
    CHECK(graph.find("output [label=\"output\\n(1, 1)\"") == std::string::npos);
    CHECK(graph.find("output [label=\"output\\n(2, 1)\"") != std::string::npos);

    const auto svg = dir.path() / "model.svg";
    REQUIRE(
        tunelab::test::run_tunelab("model experiments/seed_chapter.yaml --graph " + svg.string())
            .exit_status == 0);
    const std::string image = read_file(svg);
    CHECK(image.find("<svg") != std::string::npos);
    CHECK(image.find("input_net.0.weight") != std::string::npos);
  }

  TEST_CASE("model --graph refuses a file type it cannot draw") {
    tunelab::test::ScratchDir dir;
    const auto r = tunelab::test::run_tunelab("model experiments/seed_chapter.yaml --graph " +
                                              (dir.path() / "model.jpg").string());
    CHECK(r.exit_status == 2);
    CHECK(r.output.find("should end in .svg, .png or .dot") != std::string::npos);
  }
}

TEST_SUITE("optuna export") {
  TEST_CASE("Optuna loads the exported study: trials, best trial, params, curves") {
    if (tunelab::test::run_shell("/usr/bin/python3 -c 'import optuna' 2>/dev/null").exit_status !=
        0) {
      MESSAGE("python3-optuna is not installed: the export was not read back");
      return;
    }
    const auto s = stored_studies({"quick"});
    const auto db = (s->dir.path() / "optuna.db").string();
    const auto r = tunelab::test::run_tunelab("export quick --optuna " + db + s->storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const json best = tunelab::test::json_of("best quick --format json" + s->storage);
    const json trials = tunelab::test::json_of("export quick --format json" + s->storage);

    const auto read = tunelab::test::run_shell(
        "/usr/bin/python3 - <<'EOF'\n"
        "import json, optuna\n"
        "optuna.logging.set_verbosity(optuna.logging.WARNING)\n"
        "s = optuna.load_study(study_name='quick', storage='sqlite:///" +
        db +
        "')\n"
        "b = s.best_trial\n"
        "print(json.dumps({'trials': len(s.trials), 'number': b.number, 'value': b.value,\n"
        "  'params': b.params, 'steps': len(b.intermediate_values),\n"
        "  'direction': s.direction.name, 'test_loss': b.user_attrs['test_loss'],\n"
        "  'states': sorted({t.state.name for t in s.trials})}))\n"
        "EOF\n");
    REQUIRE_MESSAGE(r.exit_status == 0, read.output);
    const json optuna = json::parse(read.output);
    CHECK(optuna["trials"] == trials.size());
    CHECK(optuna["number"] == best["trial"]);
    CHECK(optuna["value"].get<double>() ==
          doctest::Approx(best["value"].get<double>()).epsilon(1e-12));
    CHECK(optuna["params"] == best["params"]);
    CHECK(optuna["steps"] == best["epochs_run"]);
    CHECK(optuna["direction"] == "MINIMIZE");
    CHECK(optuna["states"] == json::array({"COMPLETE"}));
    CHECK(optuna["test_loss"].get<double>() == doctest::Approx(best["test_loss"].get<double>()));
  }

  TEST_CASE(
      "a second study goes into the same Optuna file, a name clash or a foreign file does not") {
    const auto s = stored_studies({"first", "second"});
    const auto db = s->dir.path() / "optuna.db";
    REQUIRE(tunelab::test::run_tunelab("export first --optuna " + db.string() + s->storage)
                .exit_status == 0);
    REQUIRE(tunelab::test::run_tunelab("export second --optuna " + db.string() + s->storage)
                .exit_status == 0);
    {
      SQLite::Database optuna(db.string());
      CHECK(optuna.execAndGet("SELECT count(*) FROM studies").getInt() == 2);
      CHECK(optuna.execAndGet("SELECT count(*) FROM trials").getInt() == 12);
    }
    const auto again =
        tunelab::test::run_tunelab("export first --optuna " + db.string() + s->storage);
    CHECK(again.exit_status == 2);
    CHECK(again.output.find("already holds a study named 'first'") != std::string::npos);

    // The tunelab store itself is not an Optuna storage: refused, untouched.
    const auto store = s->dir.path() / "s.db";
    const std::string before = read_file(store);
    const auto foreign =
        tunelab::test::run_tunelab("export first --optuna " + store.string() + s->storage);
    CHECK(foreign.exit_status == 2);
    CHECK(foreign.output.find("which the results store keeps") != std::string::npos);
    CHECK(read_file(store) == before);

    const auto both =
        tunelab::test::run_tunelab("export first --optuna x.db -o x.csv" + s->storage);
    CHECK(both.exit_status == 2);
    CHECK(both.output.find("choose one") != std::string::npos);
  }
}

TEST_SUITE("run summary") {
  TEST_CASE(
      "a study run ends with the best trial's test loss and params, the store and the report "
      "command") {
    tunelab::test::ScratchDir dir;
    const std::string storage = "sqlite:///" + (dir.path() / "s.db").string();
    const auto r = tunelab::test::run_tunelab(
        "run experiments/quickstart.yaml --set search.trials=3 --set trainer.epochs=3 --quiet "
        "--study 'my study' --storage " +
        storage);
    REQUIRE_MESSAGE(r.exit_status == 0, r.output);
    const json best = tunelab::test::json_of("best 'my study' --format json --storage " + storage);
    CHECK(r.output.find(fmt::format("best: trial {}  val_loss ", best["trial"].get<int>())) !=
          std::string::npos);
    CHECK(r.output.find("  test_loss ") != std::string::npos);
    CHECK(r.output.find("  trainer.lr ") != std::string::npos);
    CHECK(r.output.find("store: " + (dir.path() / "s.db").string()) != std::string::npos);
    const std::string next =
        "next:  tunelab report 'my study' --html my-study.html --storage " + storage;
    REQUIRE_MESSAGE(r.output.find(next) != std::string::npos, r.output);
    // The suggested command works as printed.
    const auto report =
        tunelab::test::run_shell("cd '" + dir.path().string() + "' && \"$TUNELAB\"" +
                                 next.substr(next.find(" report")) + " 2>&1");
    CHECK_MESSAGE(report.exit_status == 0, report.output);
    CHECK(std::filesystem::exists(dir.path() / "my-study.html"));
  }
}
