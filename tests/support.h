#pragma once
// Helpers shared by the tests: the built-in registrar, scratch files, and
// running the tunelab executable.

#include <filesystem>
#include <string>

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

}  // namespace tunelab::test
