#pragma once
// Writing files so that a failure (a full disk, a missing permission) never
// leaves half a file behind, nor takes a good one away.

#include <filesystem>
#include <string>

namespace tunelab {

// Writes `bytes` into a temporary file beside `target` (same file system),
// flushes it to disk and renames it onto `target`. On failure the temporary
// file is removed, `target` is as it was, and Error says why.
void write_file_whole(const std::filesystem::path& target, const std::string& bytes);

// Opens `target` (a device, a pipe, or whatever a link leads to) and writes
// `bytes` into it, replacing nothing. Error says why it could not.
void write_file_through(const std::filesystem::path& target, const std::string& bytes);

}  // namespace tunelab
