#pragma once
// Reading CSV files with a header row, cells as text: what a column holds
// (numbers, words, missing cells) is decided by whoever reads it
// (data/table_dataset.h). Every problem is reported as a DataError naming the
// file, and the row and column where there is one.
//
// The cells are kept packed: their bytes one after another and where each
// ends, so that a table takes at most four times its file's size in memory
// (a cell of n bytes and its separator, n + 1 bytes on disk, take n + 4),
// where a string per cell took 20 to 40 times.

#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace tunelab {

class CsvTable {
 public:
  std::filesystem::path path;
  std::vector<std::string> header;

  std::size_t rows() const { return header.empty() ? 0 : ends_.size() / header.size(); }
  // Column `column` of the `row`-th data row, as written (RFC 4180 quotes
  // removed).
  std::string_view cell(std::size_t row, std::size_t column) const;
  // The file line the `row`-th data row starts on (1-based).
  std::size_t line(std::size_t row) const;

  // Index of `name` in the header; throws ConfigError(key, ...) with near
  // matches when there is no such column.
  std::size_t column(const std::string& name, const std::string& key) const;

  // Building a table: room for this many cells and bytes of them, then the
  // cells row by row (each row as many as the header has names).
  void reserve(std::size_t cells, std::size_t bytes);
  void add_cell(std::string_view text);
  void end_row(std::size_t line);

 private:
  std::string text_;                 // every data cell's bytes, one after another
  std::vector<std::uint32_t> ends_;  // where each cell ends in text_, row by row
  // Where a row's line is not the line after the previous row's start (a
  // blank line, a quoted line break): (row, line) pairs, in row order.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> line_jumps_;
};

// A limit that protects the machine: a larger file is refused, not read.
inline constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{1} << 30;

// Parses with libcsv (RFC 4180 quoting). Every row has the header's number
// of fields; every cell is UTF-8.
CsvTable read_csv(const std::filesystem::path& path);

// The same from a stream; `path` names it in messages.
CsvTable parse_csv(std::istream& in, const std::filesystem::path& path);

}  // namespace tunelab
