#include "data/table_dataset.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "common/errors.h"

namespace tunelab {

Dataset dataset_from_table(const CsvTable& table, const std::string& target,
                           const std::vector<std::string>& features) {
  const std::size_t target_column = table.column(target, "target");
  std::vector<std::size_t> feature_columns;
  if (features.empty()) {
    for (std::size_t j = 0; j < table.header.size(); ++j)
      if (j != target_column) feature_columns.push_back(j);
  } else {
    for (std::size_t i = 0; i < features.size(); ++i) {
      const std::size_t j = table.column(features[i], fmt::format("features[{}]", i));
      if (j == target_column)
        throw ConfigError(fmt::format("features[{}]", i),
                          fmt::format("'{}' is the target column", features[i]));
      feature_columns.push_back(j);
    }
  }
  if (feature_columns.empty())
    throw ConfigError("target", fmt::format("{}: no feature columns besides the target '{}'",
                                            table.path.string(), target));

  const auto rows = static_cast<std::int64_t>(table.rows.size());
  const auto width = static_cast<std::int64_t>(feature_columns.size());
  Dataset data;
  data.x = torch::empty({rows, width}, torch::kFloat32);
  data.y = torch::empty({rows, 1}, torch::kFloat32);
  auto x = data.x.accessor<float, 2>();
  auto y = data.y.accessor<float, 2>();
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto& row = table.rows[static_cast<std::size_t>(i)];
    for (std::int64_t j = 0; j < width; ++j)
      x[i][j] = static_cast<float>(row[feature_columns[static_cast<std::size_t>(j)]]);
    y[i][0] = static_cast<float>(row[target_column]);
  }
  for (const std::size_t j : feature_columns) data.feature_names.push_back(table.header[j]);
  data.target_names = {table.header[target_column]};
  return data;
}

}  // namespace tunelab
