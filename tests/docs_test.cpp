// The commands shown in the docs run as written.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support.h"
#include "test_paths.h"

namespace {

// A printed block of a doc: the plain ``` block right after a ```sh block
// shows what one of its commands prints on standard output (the command on
// its first line when that starts with "$ ", else the block's last one).
// Lines are compared word by word, so that columns may widen; "..." alone on
// a line stands for any number of lines, a line ending in "..." for any line
// that starts with the words before it, and a word written "~0.42" (a
// time, a date: what differs from run to run) for any word there.
struct PrintedBlock {
  std::size_t line = 0;     // in the doc, for messages
  std::size_t command = 0;  // index into DocScript::commands
  std::vector<std::string> expected;
};

struct DocScript {
  std::vector<std::string> commands;  // each runnable alone, in order
  std::vector<PrintedBlock> printed;
};

std::string doc_path(const std::string& doc) {
  return std::string(tunelab::test::kSourceDir) + (doc == "README.md" ? "/" : "/docs/") + doc;
}

// `line` without a trailing "# comment" (a '#' after a blank, outside quotes).
std::string without_comment(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(0, line.find_last_not_of(" \t", i - 1) + 1);
    }
  }
  return line;
}

DocScript read_doc(const std::string& doc) {
  std::ifstream in(doc_path(doc));
  REQUIRE(in);
  DocScript script;
  std::string line, fence;
  std::size_t number = 0, last_sh_end = 0, block_start = 0;
  std::vector<std::size_t> last_sh;  // command indices of the last ```sh block
  std::vector<std::string> block;
  std::string pending;  // a command continued with a backslash
  while (std::getline(in, line)) {
    ++number;
    if (fence.empty()) {
      if (line.rfind("```", 0) == 0) {
        fence = line == "```" ? "plain" : line.substr(3);
        block_start = number;
        block.clear();
        if (fence == "sh") last_sh.clear();
      } else if (!line.empty()) {
        last_sh_end = 0;  // prose between: a plain block after it shows no command
      }
      continue;
    }
    if (line != "```") {
      if (fence == "sh") {
        pending += line;
        if (!pending.empty() && pending.back() == '\\') {
          pending += '\n';  // the shell joins the lines
          continue;
        }
        const std::string command = without_comment(pending);
        pending.clear();
        if (command.find_first_not_of(" \t") == std::string::npos) continue;
        last_sh.push_back(script.commands.size());
        script.commands.push_back(command);
      } else {
        block.push_back(line);
      }
      continue;
    }
    if (fence == "plain" && last_sh_end != 0 && !last_sh.empty()) {
      PrintedBlock printed{block_start, last_sh.back(), block};
      if (!block.empty() && block.front().rfind("$ ", 0) == 0) {
        const std::string shown = block.front().substr(2);
        printed.expected.erase(printed.expected.begin());
        printed.command = script.commands.size();
        for (const std::size_t c : last_sh)
          if (script.commands[c] == shown) printed.command = c;
        INFO(doc << ":" << block_start << ": '" << shown << "' is in no ```sh block above it");
        REQUIRE(printed.command < script.commands.size());
      }
      script.printed.push_back(printed);
    }
    last_sh_end = fence == "sh" ? number : 0;
    fence.clear();
  }
  return script;
}

// Every line of the ```sh blocks of the README or a docs/ file, in order.
std::string shell_blocks(const std::string& doc) {
  std::string script;
  for (const auto& command : read_doc(doc).commands) script += command + "\n";
  return script;
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool word_matches(const std::string& expected, const std::string& actual) {
  return (expected.size() > 1 && expected[0] == '~') || expected == actual;
}

bool line_matches(const std::string& expected, const std::string& actual) {
  std::vector<std::string> want = words_of(expected);
  const std::vector<std::string> got = words_of(actual);
  const bool prefix = !want.empty() && want.back() == "...";
  if (prefix) want.pop_back();
  if (prefix ? got.size() < want.size() : got.size() != want.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i)
    if (!word_matches(want[i], got[i])) return false;
  return true;
}

// Whether `actual` lines, from `a` on, match `expected` from `e` on.
bool block_matches(const std::vector<std::string>& expected, std::size_t e,
                   const std::vector<std::string>& actual, std::size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (words_of(expected[e]) == std::vector<std::string>{"..."}) {
    for (std::size_t skip = a; skip <= actual.size(); ++skip)
      if (block_matches(expected, e + 1, actual, skip)) return true;
    return false;
  }
  return a < actual.size() && line_matches(expected[e], actual[a]) &&
         block_matches(expected, e + 1, actual, a + 1);
}

// Runs the doc's commands with `set -e` in `dir`, laid out like a checkout
// (experiments/, data/, build/ with this build's tunelab and plugins), with
// Debian's python3 (and its python3-optuna) first on PATH; each command's
// standard output lands in printed/N. Returns "all-ran\n" and then what
// `after` prints, when every command succeeded.
std::string run_commands(const tunelab::test::ScratchDir& dir,
                         const std::vector<std::string>& commands, const std::string& after = "") {
  const std::string source = tunelab::test::kSourceDir;
  std::string script;
  for (std::size_t i = 0; i < commands.size(); ++i)
    // A command that redirects its own output (or a here-document) keeps it.
    script +=
        commands[i] +
        (commands[i].find_first_of("<>") == std::string::npos ? " > printed/" + std::to_string(i)
                                                              : "") +
        "\n";
  return tunelab::test::run_shell(
             "cd '" + dir.path().string() + "' && mkdir printed && ln -s '" + source +
             "/experiments' experiments && ln -s '" + source + "/data' data && ln -s '" +
             tunelab::test::kBuildDir + "' build && export PATH=/usr/bin:$PATH && set -ex && {\n" +
             script + "} 2>/dev/null && echo all-ran" + (after.empty() ? "" : " && " + after))
      .output;
}

// Runs `doc` in a fresh folder and compares every printed block with what its
// command printed; returns what run_commands returned.
std::string run_doc(const std::string& doc, const std::string& after = "",
                    const std::vector<std::string>& skipped_prefixes = {}) {
  const DocScript script = read_doc(doc);
  std::vector<std::string> commands;
  for (const auto& c : script.commands) {
    bool skip = false;
    for (const auto& prefix : skipped_prefixes) skip |= c.rfind(prefix, 0) == 0;
    commands.push_back(skip ? ":" : c);
  }
  tunelab::test::ScratchDir dir;
  const std::string ran = run_commands(dir, commands, after);
  if (ran.rfind("all-ran\n", 0) != 0) return ran;
  for (const auto& printed : script.printed) {
    std::ifstream in(dir.path() / "printed" / std::to_string(printed.command));
    std::vector<std::string> actual;
    for (std::string line; std::getline(in, line);) actual.push_back(line);
    std::string shown;
    for (const auto& line : actual) shown += line + "\n";
    INFO(doc << ":" << printed.line << ": the block printed by\n  "
             << script.commands[printed.command] << "\nshows something else; it printed:\n"
             << shown);
    CHECK(block_matches(printed.expected, 0, actual, 0));
  }
  return ran;
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
    CHECK(read_doc("querying.md").printed.size() >= 5);  // studies, best, compare, rerun, delete
    CHECK_MESSAGE(run_doc("querying.md") == "all-ran\n", script);
  }

  TEST_CASE("every command in the README runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("README.md");
    CHECK(script.find("./build/tunelab report quickstart quickstart-30") != std::string::npos);
    CHECK(script.find("--plugin build/plugins/examples/example_plugin.so") != std::string::npos);
    CHECK(read_doc("README.md").printed.size() >= 4);  // the tour's run, best, rerun, seed chapter
    // `make build` is what built this executable.
    CHECK_MESSAGE(run_doc("README.md", files_matching("*.html *.csv optuna.db"), {"make "}) ==
                      "all-ran\nchurn-ensemble.csv churn-predictions.csv comparison.html optuna.db "
                      "predictions.csv quickstart.html trials.csv ",
                  script);
  }

  TEST_CASE("every command in docs/commands.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("commands.md");
    CHECK(script.find("./build/tunelab enqueue quickstart") != std::string::npos);
    CHECK(read_doc("commands.md").printed.size() >= 4);  // seed chapter, enqueue, warm start, front
    CHECK_MESSAGE(run_doc("commands.md", files_matching("*.svg")) == "all-ran\nseed_chapter.svg ",
                  script);
  }

  TEST_CASE("every page of docs/ that shows commands is run by a test here") {
    const std::set<std::string> tested = {"commands.md", "plugins.md", "querying.md", "report.md",
                                          "scaling.md"};
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(tunelab::test::kSourceDir) + "/docs")) {
      const std::string page = entry.path().filename().string();
      if (entry.path().extension() != ".md") continue;
      INFO(page);
      CHECK((read_doc(page).commands.empty() || tested.count(page) == 1));
    }
    // The README is a front door: its benchmark tables live in docs/performance.md.
    std::ifstream readme(doc_path("README.md"));
    std::size_t lines = 0;
    for (std::string line; std::getline(readme, line);) ++lines;
    CHECK(lines <= 320);
  }

  TEST_CASE("every command in docs/report.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("report.md");
    CHECK(script.find("./build/tunelab report ") != std::string::npos);
    CHECK_MESSAGE(run_doc("report.md", files_matching("*.html *.svg *.png *.dot optuna.db")) ==
                      "all-ran\ncomparison.html optuna.db preact.png quickstart.html "
                      "seed_chapter.dot seed_chapter.svg ",
                  script);
  }

  TEST_CASE("every command in docs/scaling.md runs, in a fresh folder, in order") {
    const std::string script = shell_blocks("scaling.md");
    CHECK(script.find("--workers 2") != std::string::npos);
    CHECK_MESSAGE(run_doc("scaling.md",
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
