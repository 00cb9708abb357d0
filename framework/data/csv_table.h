#pragma once
// Reading CSV files with a header row, cells as text: what a column holds
// (numbers, words, missing cells) is decided by whoever reads it
// (data/table_dataset.h). Every problem is reported as a DataError naming the
// file, and the row and column where there is one.

#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace tunelab {

struct CsvTable {
  std::filesystem::path path;
  std::vector<std::string> header;
  // rows[i][j] is column header[j] of the i-th data row, as written (RFC 4180
  // quotes removed).
  std::vector<std::vector<std::string>> rows;
  // The file line each data row starts on (1-based; the header is on line 1
  // unless blank lines precede it).
  std::vector<std::size_t> lines;

  // Index of `name` in the header; throws ConfigError(key, ...) with near
  // matches when there is no such column.
  std::size_t column(const std::string& name, const std::string& key) const;
};

// A limit that protects the machine: a larger file is refused, not read.
inline constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{1} << 30;

// Parses with libcsv (RFC 4180 quoting). Every row has the header's number
// of fields.
CsvTable read_csv(const std::filesystem::path& path);

// The same from a stream; `path` names it in messages.
CsvTable parse_csv(std::istream& in, const std::filesystem::path& path);

}  // namespace tunelab
