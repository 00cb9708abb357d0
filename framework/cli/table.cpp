#include "cli/table.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace tunelab::cli {
namespace {

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

void print_table(std::ostream& out, const Table& table, Format format) {
  switch (format) {
    case Format::json: {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : table.rows) {
        nlohmann::json object = nlohmann::json::object();
        for (std::size_t j = 0; j < table.columns.size(); ++j) object[table.columns[j]] = row[j];
        rows.push_back(object);
      }
      out << rows.dump(2) << "\n";
      return;
    }
    case Format::csv:
      for (std::size_t j = 0; j < table.columns.size(); ++j)
        out << (j ? "," : "") << csv_cell(table.columns[j]);
      out << "\n";
      for (const auto& row : table.rows) {
        for (std::size_t j = 0; j < row.size(); ++j) out << (j ? "," : "") << csv_cell(row[j]);
        out << "\n";
      }
      return;
    case Format::table: {
      std::vector<std::size_t> width(table.columns.size());
      for (std::size_t j = 0; j < width.size(); ++j) {
        width[j] = table.columns[j].size();
        for (const auto& row : table.rows) width[j] = std::max(width[j], row[j].size());
      }
      const auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t j = 0; j < cells.size(); ++j) {
          // The last column is not padded, so long summaries do not leave
          // trailing blanks.
          text += j + 1 < cells.size() ? fmt::format("{:<{}}  ", cells[j], width[j]) : cells[j];
        }
        out << text << "\n";
      };
      line(table.columns);
      for (const auto& row : table.rows) line(row);
      return;
    }
  }
}

}  // namespace tunelab::cli
