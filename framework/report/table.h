#pragma once
// Listings as an aligned text table, CSV or JSON (an array of objects), and
// single records (a trial, a study) as indented text, flattened CSV or JSON.
// Hand-written: no Debian package prints tables, and this is a few lines.

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunelab {

// How listings are printed (`--format`).
enum class Format { table, csv, json };

// A cell keeps its type so that JSON and CSV carry numbers as numbers; null
// is "no value". Text tables show numbers to 6 significant digits, CSV and
// JSON in full.
using Cell = nlohmann::ordered_json;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  // The leading columns that name a row, repeated in every block of a
  // wrapped text table.
  std::size_t key_columns = 1;
};

// The width text tables fit: the terminal's, else $COLUMNS, else 80.
std::size_t output_width();

// A text table wider than `width` is printed in blocks of columns, each
// repeating the key columns (the row's name), as pandas does.
void print_table(std::ostream& out, const Table& table, Format format,
                 std::size_t width = output_width());

// A record: text as "key  value" lines with nested objects indented and
// arrays of objects as tables; CSV as key,value pairs with dotted keys; JSON
// as is.
void print_record(std::ostream& out, const Cell& record, Format format);

// How a cell reads in a text table or a CSV file.
std::string cell_text(const Cell& cell);
std::string cell_csv(const Cell& cell);

}  // namespace tunelab
