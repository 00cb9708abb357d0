#include "data/feature_encoding.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "common/errors.h"

namespace tunelab {
namespace {

// The median of the column's present values (the mean of the middle two
// for an even count); 0 when every value is missing.
float median_of(const at::TensorAccessor<float, 2>& x, std::int64_t rows, std::int64_t j) {
  std::vector<float> present;
  for (std::int64_t i = 0; i < rows; ++i)
    if (!std::isnan(x[i][j])) present.push_back(x[i][j]);
  if (present.empty()) return 0;
  const auto middle = present.begin() + static_cast<std::ptrdiff_t>(present.size() / 2);
  std::nth_element(present.begin(), middle, present.end());
  if (present.size() % 2 == 1) return *middle;
  const float below = *std::max_element(present.begin(), middle);
  return static_cast<float>((static_cast<double>(below) + *middle) / 2);
}

}  // namespace

std::int64_t ColumnEncoding::width() const {
  if (kind == ColumnKind::numeric) return indicator ? 2 : 1;
  if (embedded) return 1;
  return static_cast<std::int64_t>(levels.size()) + (missing_level ? 1 : 0);
}

namespace {

// A level written as a number ("1", "1.0", "01"), as that number.
std::optional<double> level_number(const std::string& level) {
  char* end = nullptr;
  const double value = std::strtod(level.c_str(), &end);
  if (level.empty() || end != level.c_str() + level.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

// A column of more levels than its encoding takes: refused, with the ways
// out.
void check_levels(const ColumnEncoding& column) {
  const std::size_t levels = column.levels.size();
  const std::size_t most = column.embedded ? kMaxEmbeddedLevels : kMaxOneHotLevels;
  if (levels <= most) return;
  throw DataError(fmt::format(
      "column '{}' has {} distinct values in the training rows, more than the {} levels {} "
      "takes{}; data.args.ignore: [{}] leaves the column out (an id or free text?)",
      column.name, levels, most,
      column.embedded ? "an embedding" : "one-hot encoding (a column each)",
      column.embedded ? "" : ": data.encoding: embedding learns a few numbers per level instead",
      column.name));
}

}  // namespace

std::vector<std::int64_t> level_slots(const std::vector<std::string>& trained,
                                      const std::vector<std::string>& levels) {
  std::map<std::string, std::int64_t> by_text;
  std::map<double, std::int64_t> by_number;
  for (std::size_t l = 0; l < trained.size(); ++l) {
    by_text.emplace(trained[l], static_cast<std::int64_t>(l));
    if (const auto number = level_number(trained[l]))
      by_number.emplace(*number, static_cast<std::int64_t>(l));
  }
  std::vector<std::int64_t> slots(levels.size(), -1);
  for (std::size_t code = 0; code < levels.size(); ++code) {
    if (const auto found = by_text.find(levels[code]); found != by_text.end()) {
      slots[code] = found->second;
    } else if (const auto number = level_number(levels[code])) {
      // Codes written another way ("1.0" for 1): the same level.
      if (const auto same = by_number.find(*number); same != by_number.end())
        slots[code] = same->second;
    }
  }
  return slots;
}

std::vector<std::pair<std::string, std::vector<std::string>>> FeatureEncoding::unseen_levels(
    const std::vector<FeatureColumn>& columns) const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (std::size_t c = 0; c < columns_.size() && c < columns.size(); ++c) {
    if (columns_[c].kind != ColumnKind::categorical) continue;
    const auto slots = level_slots(columns_[c].levels, columns[c].levels);
    std::vector<std::string> unseen;
    for (std::size_t code = 0; code < slots.size(); ++code)
      if (slots[code] < 0) unseen.push_back(columns[c].levels[code]);
    if (!unseen.empty()) out.emplace_back(columns_[c].name, std::move(unseen));
  }
  return out;
}

FeatureEncoding FeatureEncoding::fit(const Dataset& train, CategoricalEncoding categorical) {
  FeatureEncoding encoding;
  const std::vector<FeatureColumn> columns = train.feature_columns();
  const auto x = train.x.accessor<float, 2>();
  const std::int64_t rows = train.rows();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto j = static_cast<std::int64_t>(c);
    ColumnEncoding column{columns[c].name, columns[c].kind, 0, false, {}, false, false};
    column.embedded =
        column.kind == ColumnKind::categorical && categorical == CategoricalEncoding::embedding;
    bool any_missing = false;
    std::vector<bool> seen(columns[c].levels.size(), false);
    for (std::int64_t i = 0; i < rows; ++i) {
      if (std::isnan(x[i][j]))
        any_missing = true;
      else if (column.kind == ColumnKind::categorical)
        seen.at(static_cast<std::size_t>(x[i][j])) = true;
    }
    if (column.kind == ColumnKind::numeric) {
      column.fill = median_of(x, rows, j);
      column.indicator = any_missing;
    } else {
      for (std::size_t l = 0; l < seen.size(); ++l)
        if (seen[l]) column.levels.push_back(columns[c].levels[l]);
      column.missing_level = any_missing;
      check_levels(column);
    }
    encoding.columns_.push_back(std::move(column));
  }
  return encoding;
}

std::int64_t FeatureEncoding::width() const {
  std::int64_t width = 0;
  for (const auto& c : columns_) width += c.width();
  return width;
}

std::vector<bool> FeatureEncoding::value_columns() const {
  std::vector<bool> out;
  for (const auto& c : columns_) {
    out.push_back(c.kind == ColumnKind::numeric);
    for (std::int64_t k = 1; k < c.width(); ++k) out.push_back(false);
  }
  return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> FeatureEncoding::embedded() const {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  std::int64_t at = 0;
  for (const auto& c : columns_) {
    if (c.embedded)
      out.emplace_back(at, static_cast<std::int64_t>(c.levels.size()) + (c.missing_level ? 2 : 1));
    at += c.width();
  }
  return out;
}

std::vector<FeatureColumn> FeatureEncoding::raw_columns() const {
  std::vector<FeatureColumn> out;
  for (const auto& c : columns_) out.push_back({c.name, c.kind, {}});
  return out;
}

at::Tensor FeatureEncoding::apply(const at::Tensor& raw,
                                  const std::vector<FeatureColumn>& columns) const {
  if (raw.size(1) != static_cast<std::int64_t>(columns_.size()))
    throw Error(fmt::format("the encoding reads {} columns, the rows have {}", columns_.size(),
                            raw.size(1)));
  const at::Tensor in = raw.to(torch::kFloat32).contiguous();
  const auto x = in.accessor<float, 2>();
  const std::int64_t rows = in.size(0);
  at::Tensor out = torch::zeros({rows, width()}, torch::kFloat32);
  auto e = out.accessor<float, 2>();
  std::int64_t at = 0;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const ColumnEncoding& column = columns_[c];
    const auto j = static_cast<std::int64_t>(c);
    if (column.kind == ColumnKind::numeric) {
      for (std::int64_t i = 0; i < rows; ++i) {
        const bool missing = std::isnan(x[i][j]);
        e[i][at] = missing ? column.fill : x[i][j];
        if (column.indicator) e[i][at + 1] = missing ? 1.0F : 0.0F;
      }
    } else {
      // Each code of the rows' own levels, mapped to its column (-1: none).
      const std::vector<std::int64_t> slot_of_code = level_slots(
          column.levels, c < columns.size() ? columns[c].levels : std::vector<std::string>{});
      const std::int64_t missing_slot =
          column.missing_level ? static_cast<std::int64_t>(column.levels.size()) : -1;
      for (std::int64_t i = 0; i < rows; ++i) {
        std::int64_t s = missing_slot;
        if (!std::isnan(x[i][j])) {
          const auto code = static_cast<std::size_t>(x[i][j]);
          s = code < slot_of_code.size() ? slot_of_code[code] : -1;
        }
        if (column.embedded)
          e[i][at] = static_cast<float>(s + 1);  // 0: no level it knows
        else if (s >= 0)
          e[i][at + s] = 1.0F;
      }
    }
    at += column.width();
  }
  return out;
}

nlohmann::json FeatureEncoding::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : columns_) {
    nlohmann::json column = {{"name", c.name}};
    if (c.kind == ColumnKind::numeric) {
      column["kind"] = "numeric";
      column["fill"] = c.fill;
      column["indicator"] = c.indicator;
    } else {
      column["kind"] = "categorical";
      column["levels"] = c.levels;
      column["missing_level"] = c.missing_level;
      if (c.embedded) column["embedded"] = true;
    }
    out.push_back(column);
  }
  return out;
}

FeatureEncoding FeatureEncoding::from_json(const nlohmann::json& json) {
  FeatureEncoding encoding;
  try {
    for (const auto& c : json) {
      ColumnEncoding column;
      column.name = c.at("name").get<std::string>();
      if (c.at("kind").get<std::string>() == "numeric") {
        column.fill = c.at("fill").get<float>();
        column.indicator = c.at("indicator").get<bool>();
      } else {
        column.kind = ColumnKind::categorical;
        column.levels = c.at("levels").get<std::vector<std::string>>();
        column.missing_level = c.at("missing_level").get<bool>();
        column.embedded = c.value("embedded", false);
      }
      encoding.columns_.push_back(std::move(column));
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("a stored feature encoding that cannot be read: ") + e.what());
  }
  return encoding;
}

}  // namespace tunelab
