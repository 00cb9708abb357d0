#include "data/table_dataset.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "common/errors.h"
#include "data/column_cells.h"

namespace tunelab {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Codes for the column's present cells, into its sorted levels.
std::vector<std::string> code_levels(const ColumnCells& cells,
                                     const std::function<void(std::size_t, float)>& set) {
  std::set<std::string, std::less<>> distinct;
  for (std::size_t i = 0; i < cells.rows(); ++i)
    if (!cells.missing(i) && distinct.find(cells.text(i)) == distinct.end())
      distinct.emplace(cells.text(i));
  const std::vector<std::string> levels(distinct.begin(), distinct.end());
  std::map<std::string, float, std::less<>> code;
  for (std::size_t c = 0; c < levels.size(); ++c) code[levels[c]] = static_cast<float>(c);
  for (std::size_t i = 0; i < cells.rows(); ++i)
    set(i, cells.missing(i) ? kMissing : code.find(cells.text(i))->second);
  return levels;
}

// A column of numbers but for a few cells (a typo such as "12..5", a
// marker such as "?") is read as categorical: a level per distinct number.
// Said, with the first such cell, where nine in ten present cells are numbers.
std::optional<std::string> mostly_numbers_note(const ColumnCells& cells) {
  std::size_t present = 0, text = 0, first_text = 0;
  for (std::size_t i = 0; i < cells.rows(); ++i) {
    if (cells.missing(i)) continue;
    ++present;
    const std::string cell(cells.text(i));
    char* end = nullptr;
    std::strtod(cell.c_str(), &end);
    if (end == cell.c_str() || *end != '\0') {
      if (text++ == 0) first_text = i;
    }
  }
  if (present == 0 || text * 10 > present) return std::nullopt;
  return fmt::format(
      "{}: read as categorical, as {} of its {} cells {} not a number (the first here: '{}'); "
      "if {} a typo, fix {}, or name {} in na_values to read {} as missing",
      cells.where(first_text), text, present, text == 1 ? "is" : "are", cells.text(first_text),
      text == 1 ? "it is" : "they are", text == 1 ? "it" : "them", text == 1 ? "it" : "them",
      text == 1 ? "it" : "them");
}

// Fills x's column j from `cells` as `column.kind`; a categorical column's
// levels are the ones the cells hold.
void read_column(const ColumnCells& cells, FeatureColumn& column, at::TensorAccessor<float, 2> x,
                 std::int64_t j) {
  if (column.kind == ColumnKind::categorical) {
    column.levels =
        code_levels(cells, [&](std::size_t i, float v) { x[static_cast<std::int64_t>(i)][j] = v; });
    return;
  }
  for (std::size_t i = 0; i < cells.rows(); ++i) {
    if (cells.missing(i)) {
      x[static_cast<std::int64_t>(i)][j] = kMissing;
      continue;
    }
    const auto value = cells.number(i);
    if (!value)
      throw DataError(
          fmt::format("{}: '{}' is not a number (the model read this column as numbers)",
                      cells.where(i), cells.text(i)));
    x[static_cast<std::int64_t>(i)][j] = static_cast<float>(*value);
  }
}

}  // namespace

const std::vector<std::string>& default_na_values() {
  static const std::vector<std::string> values = {"",     "NA",   "N/A",  "n/a",  "NaN",  "nan",
                                                  "-NaN", "null", "NULL", "None", "<NA>", "#N/A"};
  return values;
}

Dataset dataset_from_table(const CsvTable& table, const TableColumns& spec) {
  const std::size_t target_column = table.column(spec.target, "target");
  const auto columns_named = [&](const std::vector<std::string>& names, const std::string& key) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::size_t j = table.column(names[i], fmt::format("{}[{}]", key, i));
      if (j == target_column)
        throw ConfigError(fmt::format("{}[{}]", key, i),
                          fmt::format("'{}' is the target column", names[i]));
      out.push_back(j);
    }
    return out;
  };
  const std::vector<std::size_t> ignored = columns_named(spec.ignore, "ignore");
  const std::vector<std::size_t> forced = columns_named(spec.categorical, "categorical");
  std::vector<std::size_t> feature_columns;
  if (spec.features.empty()) {
    for (std::size_t j = 0; j < table.header.size(); ++j)
      if (j != target_column && std::find(ignored.begin(), ignored.end(), j) == ignored.end())
        feature_columns.push_back(j);
  } else {
    feature_columns = columns_named(spec.features, "features");
    for (std::size_t i = 0; i < spec.features.size(); ++i)
      if (std::find(ignored.begin(), ignored.end(), feature_columns[i]) != ignored.end())
        throw ConfigError(fmt::format("features[{}]", i),
                          fmt::format("'{}' is also in ignore", spec.features[i]));
  }
  if (feature_columns.empty())
    throw ConfigError("target", fmt::format("{}: no feature columns besides the target '{}'",
                                            table.path.string(), spec.target));
  for (std::size_t i = 0; i < forced.size(); ++i)
    if (std::find(feature_columns.begin(), feature_columns.end(), forced[i]) ==
        feature_columns.end())
      throw ConfigError(fmt::format("categorical[{}]", i),
                        fmt::format("'{}' is not one of the features", spec.categorical[i]));

  const NaSet na = na_set(spec.na_values);
  const auto rows = static_cast<std::int64_t>(table.rows());
  const auto width = static_cast<std::int64_t>(feature_columns.size());
  Dataset data;
  data.x = torch::empty({rows, width}, torch::kFloat32);
  data.y = torch::empty({rows, 1}, torch::kFloat32);
  auto x = data.x.accessor<float, 2>();
  bool any_categorical = false;
  for (std::int64_t j = 0; j < width; ++j) {
    const std::size_t c = feature_columns[static_cast<std::size_t>(j)];
    const ColumnCells cells(table, c, na);
    FeatureColumn column{table.header[c], ColumnKind::numeric, {}};
    const bool forced_categorical =
        spec.all_categorical || std::find(forced.begin(), forced.end(), c) != forced.end();
    const auto numbers = forced_categorical ? std::nullopt : cells.numbers();
    if (numbers) {
      for (std::size_t i = 0; i < numbers->size(); ++i)
        x[static_cast<std::int64_t>(i)][j] = (*numbers)[i];
    } else {
      column.kind = ColumnKind::categorical;
      any_categorical = true;
      read_column(cells, column, x, j);
      if (!forced_categorical)
        if (auto note = mostly_numbers_note(cells)) data.notes.push_back(std::move(*note));
    }
    data.feature_names.push_back(column.name);
    data.columns.push_back(std::move(column));
  }
  if (!any_categorical) data.columns.clear();

  const ColumnCells target(table, target_column, na);
  std::vector<std::int64_t> kept;
  for (std::size_t i = 0; i < target.rows(); ++i) {
    if (!target.missing(i)) {
      kept.push_back(static_cast<std::int64_t>(i));
    } else if (!spec.drop_missing_target) {
      throw DataError(
          fmt::format("{}: the target is missing ('{}'); drop the row, fill it in, or set "
                      "data.missing_target: drop",
                      target.where(i), target.text(i)));
    }
  }
  auto y = data.y.accessor<float, 2>();
  if (const auto numbers = target.numbers()) {
    for (std::size_t i = 0; i < numbers->size(); ++i)
      y[static_cast<std::int64_t>(i)][0] = (*numbers)[i];
  } else {
    for (std::size_t i = 0; i < target.rows() && data.first_text_target.empty(); ++i)
      if (!target.missing(i) && !target.number(i))
        data.first_text_target = fmt::format("{}: '{}'", target.where(i), target.text(i));
    data.classes = code_levels(
        target, [&](std::size_t i, float v) { y[static_cast<std::int64_t>(i)][0] = v; });
  }
  data.target_names = {table.header[target_column]};
  if (kept.size() < target.rows()) {
    if (kept.empty())
      throw DataError(fmt::format("{}: every row's target is missing", table.path.string()));
    std::size_t first = 0;
    while (!target.missing(first)) ++first;
    const at::Tensor rows = torch::tensor(kept, torch::kInt64);
    data.x = data.x.index_select(0, rows);
    data.y = data.y.index_select(0, rows);
    data.notes.push_back(
        fmt::format("{} of {} rows dropped: their target is missing (the first "
                    "at {}; data.missing_target: drop)",
                    target.rows() - kept.size(), target.rows(), target.where(first)));
  }
  return data;
}

at::Tensor read_feature_values(const CsvTable& table, const std::vector<std::size_t>& read,
                               std::vector<FeatureColumn>& columns,
                               const std::vector<std::string>& na_values) {
  const NaSet na = na_set(na_values);
  at::Tensor values = torch::empty(
      {static_cast<std::int64_t>(table.rows()), static_cast<std::int64_t>(read.size())},
      torch::kFloat32);
  auto x = values.accessor<float, 2>();
  for (std::size_t j = 0; j < read.size(); ++j)
    read_column(ColumnCells(table, read[j], na), columns[j], x, static_cast<std::int64_t>(j));
  return values;
}

std::optional<at::Tensor> read_class_codes(const CsvTable& table, std::size_t column,
                                           const std::vector<std::string>& classes,
                                           const std::vector<std::string>& na_values) {
  const ColumnCells cells(table, column, na_set(na_values));
  at::Tensor codes = torch::empty({static_cast<std::int64_t>(cells.rows()), 1}, torch::kFloat32);
  auto c = codes.accessor<float, 2>();
  for (std::size_t i = 0; i < cells.rows(); ++i) {
    const auto found = std::find(classes.begin(), classes.end(), cells.text(i));
    if (cells.missing(i) || found == classes.end()) return std::nullopt;
    c[static_cast<std::int64_t>(i)][0] = static_cast<float>(found - classes.begin());
  }
  return codes;
}

}  // namespace tunelab
