#include "data/column_cells.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/errors.h"
#include "data/table_dataset.h"

namespace tunelab {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

NaSet na_set(const std::vector<std::string>& extra) {
  NaSet na(default_na_values().begin(), default_na_values().end());
  for (const auto& value : extra) na.emplace(trimmed(value));
  return na;
}

ColumnCells::ColumnCells(const CsvTable& table, std::size_t column, const NaSet& na)
    : table_(table), column_(column), missing_(table.rows()) {
  for (std::size_t i = 0; i < table.rows(); ++i) missing_[i] = na.count(text(i)) > 0;
}

std::optional<double> ColumnCells::number(std::size_t i) const {
  scratch_.assign(text(i));  // strtod reads up to a NUL
  const char* begin = scratch_.c_str();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(begin, &end);
  if (end == begin || *end != '\0') return std::nullopt;
  // ERANGE also marks an underflow (1e-310): a number near 0, which is fine.
  const bool overflow = errno == ERANGE && std::fabs(value) > 1;
  if (!std::isfinite(value) || overflow || std::fabs(value) > std::numeric_limits<float>::max())
    throw DataError(fmt::format("{}: '{}' is not a finite number", where(i), scratch_));
  return value;
}

std::optional<std::vector<float>> ColumnCells::numbers() const {
  std::vector<float> out(rows(), std::numeric_limits<float>::quiet_NaN());
  for (std::size_t i = 0; i < rows(); ++i) {
    if (missing(i)) continue;
    const auto value = number(i);
    if (!value) return std::nullopt;
    out[i] = static_cast<float>(*value);
  }
  return out;
}

std::string ColumnCells::where(std::size_t i) const {
  return fmt::format("{}:{}:{}: column '{}'", table_.path.string(), table_.line(i), column_ + 1,
                     name());
}

}  // namespace tunelab
