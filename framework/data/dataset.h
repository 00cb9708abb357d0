#pragma once
// The plugin interface of kind `dataset`: a table as tensors, for regression
// or classification, its columns numeric or categorical, cells possibly
// missing.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace tunelab {

enum class ColumnKind { numeric, categorical };

struct FeatureColumn {
  std::string name;
  ColumnKind kind = ColumnKind::numeric;
  // Categorical: the text of each code the column's x values hold.
  std::vector<std::string> levels;
};

struct Dataset {
  // (rows, features), float32: a numeric column's values, a categorical
  // column's codes (indices into its levels); NaN where a cell is missing.
  // The model never sees these: a FeatureEncoding fitted on the training
  // rows turns them into numbers (data/feature_encoding.h).
  at::Tensor x;
  // (rows, targets), float32: the values, or for classification the class
  // codes (indices into `classes`), one target column.
  at::Tensor y;
  std::vector<std::string> feature_names;
  std::vector<std::string> target_names;
  // One per feature; empty when every feature is numeric.
  std::vector<FeatureColumn> columns;
  // Classification: the text of each class code; empty for regression.
  std::vector<std::string> classes;
  // Where the target's first cell that is not a number is ("file:line:col:
  // column 'y': 'text'"), for a message when regression was asked for.
  std::string first_text_target;
  // What whoever trains on it should know of how it was read (a column of
  // numbers read as categorical because of a cell or two that are not).
  std::vector<std::string> notes;

  bool is_classification() const { return !classes.empty(); }
  // Each feature's description, numeric where `columns` is empty.
  std::vector<FeatureColumn> feature_columns() const {
    if (!columns.empty()) return columns;
    std::vector<FeatureColumn> out;
    for (std::int64_t j = 0; j < (x.defined() ? x.size(1) : 0); ++j)
      out.push_back({j < static_cast<std::int64_t>(feature_names.size())
                         ? feature_names[static_cast<std::size_t>(j)]
                         : "x" + std::to_string(j),
                     ColumnKind::numeric,
                     {}});
    return out;
  }

  std::int64_t rows() const { return x.size(0); }
  std::int64_t features() const { return x.size(1); }
  std::int64_t targets() const { return y.size(1); }
};

struct DatasetRequest {
  nlohmann::json args;     // the `data.args` section
  std::uint64_t seed = 0;  // for generated data sets
  // Relative paths in args are resolved against this folder (the experiment
  // file's folder).
  std::filesystem::path base_dir;
  // data.missing_target: drop. A data set read from a table leaves out the
  // rows whose target is missing (and notes it) instead of refusing them.
  bool drop_missing_target = false;
};

using DatasetFactory = std::function<Dataset(const DatasetRequest&)>;

}  // namespace tunelab
