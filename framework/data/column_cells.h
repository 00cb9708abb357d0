#pragma once
// One column of a CSV table as the readers see it: each cell trimmed,
// missing where it is one of the missing markers, a number where it parses
// as one. The data set reader and `tunelab init` read columns through it,
// so that both read a cell the same way.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_table.h"

namespace tunelab {

// `text` without the blanks, tabs and carriage returns around it.
std::string_view trimmed(std::string_view text);

// Cell texts that mean "missing"; looked up by view, without a copy.
using NaSet = std::set<std::string, std::less<>>;

// default_na_values() and `extra` (trimmed).
NaSet na_set(const std::vector<std::string>& extra);

// The cells of one column, trimmed, read from the table where they lie: a
// column costs a bit per row (missing or not), not a string per cell.
class ColumnCells {
 public:
  ColumnCells(const CsvTable& table, std::size_t column, const NaSet& na);

  std::size_t rows() const { return missing_.size(); }
  bool missing(std::size_t i) const { return missing_[i]; }
  std::string_view text(std::size_t i) const { return trimmed(table_.cell(i, column_)); }
  const std::string& name() const { return table_.header[column_]; }

  // The cell as a number; nullopt for text. A number too large for a float
  // ("1e999", "inf") is a DataError: it is a number, but not one to train on.
  std::optional<double> number(std::size_t i) const;

  // Every cell as a number (NaN where missing), each parsed once; nullopt
  // at the first present cell that is text.
  std::optional<std::vector<float>> numbers() const;

  // "file:line:column: column 'name'", for messages about cell i.
  std::string where(std::size_t i) const;

 private:
  const CsvTable& table_;
  std::size_t column_;
  std::vector<bool> missing_;
  mutable std::string scratch_;
};

}  // namespace tunelab
