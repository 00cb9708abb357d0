#pragma once
// Where a store is: its URL (an SQLite file or a PostgreSQL database), the
// files an SQLite store keeps beside it, and the error for a location that
// cannot be used.

#include <filesystem>
#include <string>
#include <vector>

#include "common/errors.h"

namespace tunelab {

// "sqlite:///relative/path.db", "sqlite:////absolute/path.db", or a plain path.
std::filesystem::path sqlite_path_from_url(const std::string& url);
// postgresql://[user[:password]@][host][:port]/database[?param=value...]
bool is_postgresql_url(const std::string& url);
// The folder of weights files an SQLite store in `file` keeps beside it.
std::filesystem::path sqlite_weights_folder(const std::filesystem::path& file);
// What an SQLite store in `file` keeps beside it: the file, its journals and
// its folder of weights files.
std::vector<std::filesystem::path> sqlite_store_files(const std::filesystem::path& file);
// `url` without the password it may hold, for messages and reports.
std::string shown_url(const std::string& url);

inline const std::string kDefaultStorage = "sqlite:///results/tunelab.db";

// A store location that cannot be used; the message names the location, the
// caller says where it was given (the CLI: its --storage option).
class StoreLocationError : public InputError {
 public:
  enum class Problem { malformed, not_a_file, no_store };
  StoreLocationError(Problem problem, const std::string& message)
      : InputError(message), problem_(problem) {}
  Problem problem() const { return problem_; }

 private:
  Problem problem_;
};

}  // namespace tunelab
