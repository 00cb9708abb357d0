#include "store/locations.h"

#include <fmt/format.h>

namespace tunelab {

bool is_postgresql_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string shown_url(const std::string& given) {
  if (!is_postgresql_url(given)) return given;
  // A password given as a parameter (?password=...) goes first.
  std::string url = given;
  for (auto at = url.find("password="); at != std::string::npos; at = url.find("password=")) {
    if (at == 0 || (url[at - 1] != '?' && url[at - 1] != '&')) break;
    const auto end = url.find('&', at);
    url.erase(at - 1, end == std::string::npos ? std::string::npos : end - at + 1);
    if (url[at - 1] == '&' && url.find('?') == std::string::npos) url[at - 1] = '?';
  }
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  const auto slash = url.find('/', scheme_end);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  const auto colon = url.find(':', scheme_end);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

std::filesystem::path sqlite_path_from_url(const std::string& url) {
  if (is_postgresql_url(url))
    throw StoreLocationError(
        StoreLocationError::Problem::not_a_file,
        fmt::format("{}: a PostgreSQL store, not an SQLite file", shown_url(url)));
  const std::string prefix = "sqlite:///";
  const bool prefixed = url.rfind(prefix, 0) == 0;
  if (!prefixed && url.find("://") != std::string::npos)
    throw StoreLocationError(
        StoreLocationError::Problem::malformed,
        fmt::format("{}: expected sqlite:///path/to.db or postgresql://host/database", url));
  const std::string path = prefixed ? url.substr(prefix.size()) : url;
  // SQLite's own names for a database that is no file, or is a file named
  // another way: what tunelab stored there, no later command would find.
  if (path == ":memory:" || path.rfind("file:", 0) == 0 ||
      path.find("mode=memory") != std::string::npos)
    throw StoreLocationError(
        StoreLocationError::Problem::malformed,
        fmt::format(
            "{}: {}; a store is a file that later commands read: sqlite:///results/tunelab.db "
            "(a path, relative or absolute), or postgresql://host/database for several machines",
            url,
            path.rfind("file:", 0) == 0 ? "SQLite's file: names are not store locations"
                                        : "an in-memory database keeps nothing once tunelab ends"));
  return path;
}

// Weights files live in a folder named after the database file, beside it.
std::filesystem::path sqlite_weights_folder(const std::filesystem::path& file) {
  const auto absolute = std::filesystem::absolute(file);
  return absolute.parent_path() / (absolute.stem().string() + ".weights");
}

std::vector<std::filesystem::path> sqlite_store_files(const std::filesystem::path& file) {
  const auto absolute = std::filesystem::absolute(file);
  std::vector<std::filesystem::path> kept{sqlite_weights_folder(absolute)};
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    kept.push_back(absolute.string() + suffix);
  return kept;
}

}  // namespace tunelab
