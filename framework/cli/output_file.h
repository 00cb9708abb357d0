#pragma once
// Where a command's file output goes: standard output, or a file written
// beside its target and renamed into place, so that a failure never leaves
// half a file (or clobbers a good one).

#include <string>

namespace tunelab::cli {

// Writes `text` to `path`, or to standard output when `path` is empty.
// InputError when the file cannot be written.
void write_output(const std::string& path, const std::string& text);

}  // namespace tunelab::cli
