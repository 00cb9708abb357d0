// The commands shown in the docs run as written.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.h"
#include "test_paths.h"

namespace {

// Every line of the ```sh blocks of the README or a docs/ file, in order.
std::string shell_blocks(const std::string& doc) {
  const bool top = doc == "README.md";
  std::ifstream in(std::string(tunelab::test::kSourceDir) + (top ? "/" : "/docs/") + doc);
  REQUIRE(in);
  std::string line, script;
  bool in_block = false;
  while (std::getline(in, line)) {
    if (line == "```sh")
      in_block = true;
    else if (in_block && line == "```")
      in_block = false;
    else if (in_block)
      script += line + "\n";
  }
  return script;
}

// Runs `script` with `set -ex` in a fresh folder laid out like a checkout
// (experiments/, data/, build/ with this build's tunelab and plugins), with
// Debian's python3 (and its python3-optuna) first on PATH. Returns
// "all-ran\n" and then what `after` prints, when every command succeeded.
std::string run_in_checkout(const std::string& script, const std::string& after = "") {
  tunelab::test::ScratchDir dir;
  const std::string source = tunelab::test::kSourceDir;
  return tunelab::test::run_shell(
             "cd '" + dir.path().string() + "' && ln -s '" + source +
             "/experiments' experiments && ln -s '" + source + "/data' data && ln -s '" +
             tunelab::test::kBuildDir + "' build && export PATH=/usr/bin:$PATH && set -ex && {\n" +
             script + "} >/dev/null 2>&1 && echo all-ran" + (after.empty() ? "" : " && " + after))
      .output;
}

// The files a script left, by name pattern, on one line.
std::string files_matching(const std::string& patterns) {
  return "LC_ALL=C ls " + patterns + " | tr '\\n' ' '";
}

}  // namespace

TEST_SUITE("docs") {
  TEST_CASE("every command in docs/querying.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("querying.md");
    CHECK(script.find("./build/tunelab rerun ") != std::string::npos);
    CHECK_MESSAGE(run_in_checkout(script) == "all-ran\n", script);
  }

  TEST_CASE("every command in the README runs, in a fresh folder, in order") {
    std::string script;
    std::istringstream lines(shell_blocks("README.md"));
    // `make build` is what built this executable.
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("make ", 0) != 0) script += line + "\n";
    CHECK(script.find("./build/tunelab report quickstart quickstart-30") != std::string::npos);
    CHECK(script.find("--plugin build/plugins/examples/example_plugin.so") != std::string::npos);
    CHECK_MESSAGE(run_in_checkout(script, files_matching("*.html *.csv *.svg optuna.db")) ==
                      "all-ran\ncomparison.html optuna.db predictions.csv quickstart.html "
                      "seed_chapter.svg trials.csv ",
                  script);
  }

  TEST_CASE("every command in docs/report.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("report.md");
    CHECK(script.find("./build/tunelab report ") != std::string::npos);
    CHECK_MESSAGE(run_in_checkout(script, files_matching("*.html *.svg *.png *.dot optuna.db")) ==
                      "all-ran\ncomparison.html optuna.db preact.png quickstart.html "
                      "seed_chapter.dot seed_chapter.svg ",
                  script);
  }

  TEST_CASE("every command in docs/scaling.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("scaling.md");
    CHECK(script.find("--workers 2") != std::string::npos);
    CHECK_MESSAGE(
        run_in_checkout(script,
                        "sqlite3 results/tunelab.db \"SELECT count(DISTINCT "
                        "number), count(DISTINCT worker) FROM trials\"") == "all-ran\n50|2\n",
        script);
  }

  TEST_CASE("every command in docs/plugins.md runs: from an empty folder to a tuned custom block") {
    const std::string script = shell_blocks("plugins.md");
    CHECK(script.find("tunelab_add_plugin(my_block my_block.cpp)") != std::string::npos);
    tunelab::test::ScratchDir dir;
    // TUNELAB_SRC/build is this build, whatever folder it is in.
    const auto source = dir.path() / "tunelab";
    std::filesystem::create_directories(source);
    std::filesystem::create_directory_symlink(tunelab::test::kBuildDir, source / "build");
    const auto r = tunelab::test::run_shell(
        "cd '" + dir.path().string() + "' && export TUNELAB_SRC='" + source.string() +
        "' PREFIX='" + (dir.path() / "prefix").string() + "' && set -e && {\n" + script +
        "} >/dev/null 2>&1 && echo all-ran && "
        "sqlite3 rezero.db \"SELECT DISTINCT value_text FROM trial_params "
        "WHERE name = 'model.block' AND value_text = 'ReZeroBlock'\"");
    CHECK_MESSAGE(r.output == "all-ran\nReZeroBlock\n", script);
  }
}
