#pragma once
// Helpers shared by the tests: the built-in registrar, scratch files, and
// running the tunelab executable.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/registrar.h"

namespace tunelab::test {

// A registrar holding the built-in plugins (made once).
const Registrar& builtins();

// A fresh folder under the system temp folder, removed when this goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `name` inside the folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_status = -1;
  std::string output;  // stdout and stderr together
};

// Runs the tunelab executable with `arguments` (a shell-quoted string) in the
// source folder.
CommandResult run_tunelab(const std::string& arguments);

// Runs a shell script in the source folder, with $TUNELAB naming the
// executable; the output is the script's stdout.
CommandResult run_shell(const std::string& script);

// A command's output, line by line.
std::vector<std::string> lines_of(const std::string& text);

// Small quickstart studies (6 trials of 4 epochs) in a store of their own.
struct StoredStudies {
  ScratchDir dir;
  std::string db;       // the store's file
  std::string storage;  // " --storage FILE", to append to a command
};

// One study per name ("": the experiment's own name, quickstart); `extra`
// is added to every run's arguments. Fails the test when a run fails.
std::unique_ptr<StoredStudies> quickstart_studies(const std::vector<std::string>& names,
                                                  const std::string& extra = "");

// A shell command that waits until the SQLite store `db` shows a RUNNING
// trial (for tests that signal a study in the middle of a trial).
std::string until_a_trial_runs(const std::string& db);

// The bound a test holds a "within `ms` milliseconds" promise to. The release
// build is held to the promise itself. Under AddressSanitizer every memory
// access is checked and exit scans the whole heap for leaks (0.2 s of the
// 0.4 s an interrupted run takes to end there, on a quiet 2-core machine), so
// that build gets three times the room: it still shows the path ends promptly.
int promised_ms(int ms);

// A tunelab command's standard output, parsed as JSON; fails the test when
// the command fails.
nlohmann::json json_of(const std::string& arguments);

// The quickstart experiment's test rows, unscaled, as the CSV a user would
// give `tunelab predict`: the feature columns, then "target".
std::string quickstart_test_rows_csv();

// The loss `tunelab predict` printed for `rows` rows with targets; fails the
// test when the output has none.
double predicted_loss(const std::string& predict_output, std::int64_t rows);

}  // namespace tunelab::test
