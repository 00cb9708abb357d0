#include "data/csv_table.h"

#include <csv.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <utility>

#include "common/errors.h"
#include "common/near_matches.h"
#include "common/utf8.h"

namespace tunelab {
namespace {

// What the libcsv callbacks read into: the header, then the data cells
// straight into the packed table. libcsv is C, so a problem is kept as a
// message and thrown once the parser has returned.
struct Reader {
  CsvTable& table;
  std::string name;  // the file, as messages name it
  std::size_t current_line = 0;
  std::size_t row_line = 0;
  std::size_t fields = 0;  // of the row being read
  bool header_done = false;
  bool at_end = false;  // the file is read: what is left is a quote never closed
  std::string problem;
};

void on_field(void* text, std::size_t length, void* data) {
  auto& r = *static_cast<Reader*>(data);
  if (!r.problem.empty()) return;
  const std::string_view cell(static_cast<const char*>(text), length);
  // A quoted first field may run over several lines: the row starts on the
  // first of them. (A quote never closed holds the last line's end too.)
  if (r.fields == 0) {
    std::size_t spanned = std::count(cell.begin(), cell.end(), '\n');
    if (r.at_end && spanned > 0 && cell.back() == '\n') --spanned;
    r.row_line = r.current_line - std::min(spanned, r.current_line - 1);
  }
  if (const auto bad = first_invalid_utf8(cell)) {
    const std::string column = r.header_done && r.fields < r.table.header.size()
                                   ? fmt::format(" (column '{}')", r.table.header[r.fields])
                                   : std::string();
    r.problem =
        fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x}){}; save the file as UTF-8", r.name,
                    r.row_line, r.fields + 1, static_cast<unsigned char>(cell[*bad]), column);
    return;
  }
  if (!r.header_done)
    r.table.header.emplace_back(cell);
  else if (r.fields < r.table.header.size())
    r.table.add_cell(cell);
  ++r.fields;
}

// The start of a text for a message: up to its first line's end, at most
// 60 bytes (a quote that never closes makes the rest of the file one field).
std::string shown_start(const std::string& text) {
  const std::size_t end = std::min<std::size_t>(text.find_first_of("\r\n"), 60);
  return end < text.size() ? text.substr(0, end) + "..." : text;
}

// The header's own checks, once it is read.
std::string header_problem(const CsvTable& table, const std::string& name, std::size_t line) {
  // A header of one field that holds the others: fields split by another
  // character (spreadsheets in many locales write ';').
  if (table.header.size() == 1)
    for (const char separator : {';', '\t', '|'})
      if (table.header.front().find(separator) != std::string::npos)
        return fmt::format(
            "{}:{}: the header is one field, '{}': are the fields separated by '{}'? tunelab "
            "reads fields separated by ','",
            name, line, shown_start(table.header.front()),
            separator == '\t' ? std::string("\\t") : std::string(1, separator));
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    if (table.header[j].empty())
      return fmt::format("{}:{}:{}: empty column name in the header", name, line, j + 1);
    for (std::size_t k = 0; k < j; ++k)
      if (table.header[k] == table.header[j])
        return fmt::format("{}:{}:{}: column '{}' appears twice in the header", name, line, j + 1,
                           table.header[j]);
  }
  return "";
}

void on_row(int, void* data) {
  auto& r = *static_cast<Reader*>(data);
  if (!r.problem.empty()) return;
  if (!r.header_done) {
    r.header_done = true;
    r.problem = header_problem(r.table, r.name, r.row_line);
  } else if (r.fields != r.table.header.size()) {
    r.problem = fmt::format("{}:{}: row has {} fields, the header has {}", r.name, r.row_line,
                            r.fields, r.table.header.size());
  } else {
    r.table.end_row(r.row_line);
  }
  r.fields = 0;
}

void parse_into(std::istream& in, Reader& reader) {
  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0)
    throw DataError(fmt::format("{}: cannot start the CSV parser", reader.name));
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&parser, csv_free);

  // Fed one physical line at a time so rows know the line they start on.
  std::string line;
  while (std::getline(in, line)) {
    ++reader.current_line;
    // A byte-order mark (spreadsheets write one) is not part of the first
    // name, quoted or not.
    if (reader.current_line == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!in.eof()) line.push_back('\n');
    if (csv_parse(&parser, line.data(), line.size(), on_field, on_row, &reader) != line.size())
      throw DataError(fmt::format("{}:{}: {}", reader.name, reader.current_line,
                                  csv_strerror(csv_error(&parser))));
    if (!reader.problem.empty()) throw DataError(reader.problem);
  }
  reader.at_end = true;
  csv_fini(&parser, on_field, on_row, &reader);
  if (!reader.problem.empty()) throw DataError(reader.problem);
}

// Room for the cells of a file: at most one per separator or line end, and
// at most its bytes, so the packed table never grows by copying itself.
void reserve_for(CsvTable& table, const std::filesystem::path& path, std::uintmax_t size) {
  std::ifstream in(path, std::ios::binary);
  std::size_t separators = 1;
  std::vector<char> block(1 << 20);
  while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    separators += static_cast<std::size_t>(std::count(block.data(), block.data() + n, ',')) +
                  static_cast<std::size_t>(std::count(block.data(), block.data() + n, '\n'));
  }
  table.reserve(separators, static_cast<std::size_t>(size));
}

CsvTable parse_into_table(std::istream& in, const std::filesystem::path& path, CsvTable table) {
  table.path = path;
  Reader reader{table, path.string()};
  parse_into(in, reader);
  if (table.header.empty())
    throw DataError(fmt::format("{}: empty file (expected a header row)", reader.name));
  if (table.rows() == 0)
    throw DataError(fmt::format("{}: no data rows after the header", reader.name));
  return table;
}

}  // namespace

std::string_view CsvTable::cell(std::size_t row, std::size_t column) const {
  const std::size_t at = row * header.size() + column;
  const std::size_t begin = at == 0 ? 0 : ends_[at - 1];
  return std::string_view(text_).substr(begin, ends_[at] - begin);
}

std::size_t CsvTable::line(std::size_t row) const {
  // The last jump at or before the row; rows after it follow line by line.
  const auto after =
      std::upper_bound(line_jumps_.begin(), line_jumps_.end(), row,
                       [](std::size_t r, const std::pair<std::uint32_t, std::uint32_t>& jump) {
                         return r < jump.first;
                       });
  if (after == line_jumps_.begin()) return 0;
  const auto& jump = *(after - 1);
  return jump.second + (row - jump.first);
}

void CsvTable::reserve(std::size_t cells, std::size_t bytes) {
  ends_.reserve(cells);
  text_.reserve(bytes);
}

void CsvTable::add_cell(std::string_view text) {
  if (text_.size() + text.size() > std::numeric_limits<std::uint32_t>::max())
    throw DataError(fmt::format("{}: more than 4 GiB of cells", path.string()));
  text_.append(text);
  ends_.push_back(static_cast<std::uint32_t>(text_.size()));
}

void CsvTable::end_row(std::size_t line_number) {
  const std::size_t row = rows() - 1;
  if (row == 0 || line(row - 1) + 1 != line_number)
    line_jumps_.emplace_back(static_cast<std::uint32_t>(row),
                             static_cast<std::uint32_t>(line_number));
}

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
  CsvTable table;
  if (!ec) reserve_for(table, path, size);
  return parse_into_table(in, path, std::move(table));
}

CsvTable parse_csv(std::istream& in, const std::filesystem::path& path) {
  return parse_into_table(in, path, CsvTable());
}

}  // namespace tunelab
