#pragma once
// Where a command's output goes. The target is checked before any work, so
// that a mistake costs nothing: a folder, a path into a missing folder, or a
// file the results store keeps (the database, its journals, a weights file)
// is refused. A regular file is written beside its target and renamed into
// place, so a failure never leaves half a file or clobbers a good one; a
// device, a pipe, a socket or a symbolic link is written through, never
// replaced.

#include <filesystem>
#include <string>
#include <vector>

namespace tunelab::cli {

class OutputFile {
 public:
  enum class Kind {
    standard_output,  // no path, or "-"
    new_file,         // nothing there yet: written whole, then renamed into place
    regular_file,     // replaced the same way
    write_through,    // a device, pipe, socket or link: opened and written
  };

  // Checks `path` for the option named `option` (used in messages). A path
  // equal to, or inside, one of `protected_paths` is refused. InputError for
  // every refusal.
  OutputFile(std::string option, const std::string& path,
             const std::vector<std::filesystem::path>& protected_paths = {});

  Kind kind() const { return kind_; }
  bool is_standard_output() const { return kind_ == Kind::standard_output; }
  const std::filesystem::path& path() const { return path_; }
  const std::string& option() const { return option_; }

  // Writes `text`, whole. Error (a failure while running, not bad input)
  // when it cannot be written; a half-written temporary file is removed.
  void write(const std::string& text) const;

 private:
  std::string option_;
  std::filesystem::path path_;
  Kind kind_ = Kind::standard_output;
};

// Flushes standard output: 0 once everything written to it arrived, else the
// errno of the write that failed (ENOSPC for /dev/full, EPIPE for a closed
// pipe).
int standard_output_error();

}  // namespace tunelab::cli
