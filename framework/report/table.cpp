#include "report/table.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tunelab {
namespace {

std::string csv_quoted(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number_text(double value, const char* format) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format(fmt::runtime(format), value);
}

void print_text_table(std::ostream& out, const Table& table, std::size_t width,
                      const std::string& indent) {
  const std::size_t n = table.columns.size();
  std::vector<std::vector<std::string>> cells;
  cells.push_back(table.columns);
  for (const auto& row : table.rows) {
    std::vector<std::string> texts;
    for (const auto& cell : row) texts.push_back(cell_text(cell));
    cells.push_back(std::move(texts));
  }
  std::vector<std::size_t> widths(n, 0);
  for (const auto& row : cells)
    for (std::size_t j = 0; j < n; ++j) widths[j] = std::max(widths[j], row[j].size());

  // Blocks of columns that fit, each starting with the key columns.
  const std::size_t keys = std::clamp<std::size_t>(table.key_columns, 1, n);
  std::vector<std::vector<std::size_t>> blocks;
  std::vector<std::size_t> key_block;
  std::size_t key_width = indent.size();
  for (std::size_t j = 0; j < keys; ++j) {
    key_block.push_back(j);
    key_width += widths[j] + (j > 0 ? 2 : 0);
  }
  std::vector<std::size_t> block = key_block;
  std::size_t used = key_width;
  for (std::size_t j = keys; j < n; ++j) {
    // The table's last column may run past the edge (long summaries, errors)
    // rather than go to a block of its own.
    const std::size_t needed = j + 1 == n ? std::min<std::size_t>(widths[j], 24) : widths[j];
    if (block.size() > keys && used + 2 + needed > width) {
      blocks.push_back(block);
      block = key_block;
      used = key_width;
    }
    block.push_back(j);
    used += 2 + widths[j];
  }
  blocks.push_back(block);

  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (b > 0) out << "\n";
    for (const auto& row : cells) {
      std::string line = indent;
      for (std::size_t k = 0; k < blocks[b].size(); ++k) {
        const std::size_t j = blocks[b][k];
        // The last column is not padded: no trailing blanks.
        line += k + 1 < blocks[b].size() ? fmt::format("{:<{}}  ", row[j], widths[j]) : row[j];
      }
      out << line << "\n";
    }
  }
}

bool is_table(const Cell& value) {
  return value.is_array() && !value.empty() &&
         std::all_of(value.begin(), value.end(), [](const Cell& v) { return v.is_object(); });
}

Table table_of(const Cell& rows) {
  Table table;
  for (const auto& row : rows)
    for (const auto& [key, value] : row.items())
      if (std::find(table.columns.begin(), table.columns.end(), key) == table.columns.end())
        table.columns.push_back(key);
  for (const auto& row : rows) {
    std::vector<Cell> cells;
    for (const auto& column : table.columns) cells.push_back(row.value(column, Cell()));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

void print_text_record(std::ostream& out, const Cell& record, const std::string& indent) {
  std::size_t key_width = 0;
  for (const auto& [key, value] : record.items())
    if (!value.is_structured()) key_width = std::max(key_width, key.size());
  for (const auto& [key, value] : record.items()) {
    if (is_table(value)) {
      out << indent << key << ":\n";
      print_text_table(out, table_of(value), output_width(), indent + "  ");
    } else if (value.is_object() || value.is_array()) {
      out << indent << key << ":" << (value.empty() ? " -" : "") << "\n";
      if (value.is_object()) {
        print_text_record(out, value, indent + "  ");
      } else {
        for (const auto& item : value) out << indent << "  " << cell_text(item) << "\n";
      }
    } else {
      out << indent << fmt::format("{:<{}}  ", key, key_width) << cell_text(value) << "\n";
    }
  }
}

void print_csv_record(std::ostream& out, const Cell& value, const std::string& key) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items())
      print_csv_record(out, v, key.empty() ? k : key + "." + k);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      print_csv_record(out, value[i], fmt::format("{}[{}]", key, i));
  } else {
    out << csv_quoted(key) << "," << cell_csv(value) << "\n";
  }
}

}  // namespace

std::size_t output_width() {
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return 80;
}

std::string cell_text(const Cell& cell) {
  if (cell.is_null()) return "-";
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_number_float()) return number_text(cell.get<double>(), "{:.6g}");
  return cell.dump();
}

std::string cell_csv(const Cell& cell) {
  if (cell.is_null()) return "";
  if (cell.is_string()) return csv_quoted(cell.get<std::string>());
  // Shortest text that reads back as the same double.
  if (cell.is_number_float()) return number_text(cell.get<double>(), "{}");
  return csv_quoted(cell.dump());
}

void print_table(std::ostream& out, const Table& table, Format format, std::size_t width) {
  switch (format) {
    case Format::json: {
      Cell rows = Cell::array();
      for (const auto& row : table.rows) {
        Cell object = Cell::object();
        for (std::size_t j = 0; j < table.columns.size(); ++j) object[table.columns[j]] = row[j];
        rows.push_back(std::move(object));
      }
      out << rows.dump(2) << "\n";
      return;
    }
    case Format::csv:
      for (std::size_t j = 0; j < table.columns.size(); ++j)
        out << (j ? "," : "") << csv_quoted(table.columns[j]);
      out << "\n";
      for (const auto& row : table.rows) {
        for (std::size_t j = 0; j < row.size(); ++j) out << (j ? "," : "") << cell_csv(row[j]);
        out << "\n";
      }
      return;
    case Format::table:
      print_text_table(out, table, width, "");
      return;
  }
}

void print_record(std::ostream& out, const Cell& record, Format format) {
  switch (format) {
    case Format::json:
      out << record.dump(2) << "\n";
      return;
    case Format::csv:
      out << "key,value\n";
      print_csv_record(out, record, "");
      return;
    case Format::table:
      print_text_record(out, record, "");
      return;
  }
}

}  // namespace tunelab
