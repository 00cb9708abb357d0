#include "data/csv_table.h"

#include <csv.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "common/errors.h"
#include "common/near_matches.h"

namespace tunelab {
namespace {

// What the libcsv callbacks fill in: fields as text, with the line each row
// started on.
struct RawRows {
  std::size_t current_line = 0;
  std::vector<std::string> fields;
  std::size_t row_line = 0;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
};

void on_field(void* text, std::size_t length, void* data) {
  auto& raw = *static_cast<RawRows*>(data);
  if (raw.fields.empty()) raw.row_line = raw.current_line;
  raw.fields.emplace_back(static_cast<const char*>(text), length);
}

void on_row(int, void* data) {
  auto& raw = *static_cast<RawRows*>(data);
  raw.rows.push_back(std::move(raw.fields));
  raw.lines.push_back(raw.row_line);
  raw.fields.clear();
}

RawRows parse_rows(std::istream& in, const std::filesystem::path& path) {
  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0)
    throw DataError(fmt::format("{}: cannot start the CSV parser", path.string()));
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&parser, csv_free);

  RawRows raw;
  // Fed one physical line at a time so rows know the line they start on.
  std::string line;
  while (std::getline(in, line)) {
    ++raw.current_line;
    if (!in.eof()) line.push_back('\n');
    if (csv_parse(&parser, line.data(), line.size(), on_field, on_row, &raw) != line.size())
      throw DataError(fmt::format("{}:{}: {}", path.string(), raw.current_line,
                                  csv_strerror(csv_error(&parser))));
  }
  csv_fini(&parser, on_field, on_row, &raw);
  return raw;
}

}  // namespace

std::size_t CsvTable::column(const std::string& name, const std::string& key) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw ConfigError(
      key, fmt::format("{}: {}", path.string(), unknown_name_message("column", name, header)));
}

CsvTable read_csv(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(fmt::format("{}: is a directory, not a CSV file", path.string()));
  // A device or a pipe has no size to check first (/dev/zero never ends).
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw DataError(
        fmt::format("{}: not a regular file (a device or a pipe?); tunelab reads CSV "
                    "files",
                    path.string()));
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxCsvBytes)
    throw DataError(fmt::format("{}: {} MiB, larger than the {} MiB tunelab reads", path.string(),
                                size >> 20, kMaxCsvBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  return parse_csv(in, path);
}

CsvTable parse_csv(std::istream& in, const std::filesystem::path& path) {
  RawRows raw = parse_rows(in, path);
  if (raw.rows.empty())
    throw DataError(fmt::format("{}: empty file (expected a header row)", path.string()));

  CsvTable table;
  table.path = path;
  table.header = std::move(raw.rows.front());
  // A byte-order mark (spreadsheets write one) is not part of the first name.
  const std::string bom = "\xEF\xBB\xBF";
  if (!table.header.empty() && table.header.front().rfind(bom, 0) == 0)
    table.header.front().erase(0, bom.size());
  // A header of one field that holds the others: fields split by another
  // character (spreadsheets in many locales write ';').
  if (table.header.size() == 1)
    for (const char separator : {';', '\t', '|'})
      if (table.header.front().find(separator) != std::string::npos)
        throw DataError(fmt::format(
            "{}:{}: the header is one field, '{}': are the fields separated by '{}'? tunelab "
            "reads fields separated by ','",
            path.string(), raw.lines.front(), table.header.front(),
            separator == '\t' ? std::string("\\t") : std::string(1, separator)));
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    if (table.header[j].empty())
      throw DataError(fmt::format("{}:{}:{}: empty column name in the header", path.string(),
                                  raw.lines.front(), j + 1));
    for (std::size_t k = 0; k < j; ++k)
      if (table.header[k] == table.header[j])
        throw DataError(fmt::format("{}:{}:{}: column '{}' appears twice in the header",
                                    path.string(), raw.lines.front(), j + 1, table.header[j]));
  }
  if (raw.rows.size() == 1)
    throw DataError(fmt::format("{}: no data rows after the header", path.string()));

  for (std::size_t i = 1; i < raw.rows.size(); ++i) {
    const auto& fields = raw.rows[i];
    const std::size_t line = raw.lines[i];
    if (fields.size() != table.header.size())
      throw DataError(fmt::format("{}:{}: row has {} fields, the header has {}", path.string(),
                                  line, fields.size(), table.header.size()));
    table.rows.push_back(std::move(raw.rows[i]));
    table.lines.push_back(line);
  }
  return table;
}

}  // namespace tunelab
