#pragma once
// What turns a data set's raw columns into the numbers a model reads, fitted
// on the training rows only: a numeric column keeps its values, missing
// cells filled with the training rows' median (plus a 0/1 "was missing"
// column where the training rows had any); a categorical column becomes one
// 0/1 column per level the training rows hold (plus one for "missing" where
// they had missing cells). A level the training rows never had, or a
// missing cell where they had none, sets none of its columns: predicting a
// row never fails for its values. Embedded instead (data.encoding:
// embedding), a categorical column is one column of codes: 0 for a level the
// training rows did not have, else 1 + the level's place (the "missing"
// level last); the model's front turns each code into learned numbers.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace tunelab {

enum class CategoricalEncoding { onehot, embedding };

// Limits that protect the machine, checked on the training rows before any
// encoded row is made: one-hot makes a column of each level (100,000 levels
// of 10,000 rows would be 4 GB of floats), an embedding a learned row each.
inline constexpr std::size_t kMaxOneHotLevels = 1000;
inline constexpr std::size_t kMaxEmbeddedLevels = 1000000;

struct ColumnEncoding {
  std::string name;
  ColumnKind kind = ColumnKind::numeric;
  float fill = 0;                   // numeric: the training rows' median
  bool indicator = false;           // numeric: a 0/1 column follows, 1 where the cell was missing
  std::vector<std::string> levels;  // categorical: one column each
  bool missing_level = false;       // categorical: a last column, 1 where the cell was missing
  bool embedded = false;            // categorical: one column of codes instead

  std::int64_t width() const;
};

// For each of `levels` (a file's own, in its codes' order), the place of
// the same level among `trained` (-1: none). A level written as another
// number's text ("1.0", "01" for the trained "1") is the same level.
std::vector<std::int64_t> level_slots(const std::vector<std::string>& trained,
                                      const std::vector<std::string>& levels);

class FeatureEncoding {
 public:
  FeatureEncoding() = default;
  // Fitted on `train`'s rows (raw values as a Dataset holds them).
  static FeatureEncoding fit(const Dataset& train,
                             CategoricalEncoding categorical = CategoricalEncoding::onehot);

  // The encoded rows of `raw`, whose categorical codes index the levels of
  // `columns` (the data set's, or a file's to predict).
  at::Tensor apply(const at::Tensor& raw, const std::vector<FeatureColumn>& columns) const;

  // Per categorical column of `columns` (a file's to predict): the levels
  // its rows hold that the training rows did not, by column name. Those
  // rows set none of the column's 0/1 columns.
  std::vector<std::pair<std::string, std::vector<std::string>>> unseen_levels(
      const std::vector<FeatureColumn>& columns) const;

  std::int64_t width() const;
  // Per encoded column: whether it holds a numeric column's values (what
  // standardisation scales; 0/1 columns are left as they are).
  std::vector<bool> value_columns() const;
  // The embedded columns: (encoded column, how many codes it holds, the
  // reserved 0 included).
  std::vector<std::pair<std::int64_t, std::int64_t>> embedded() const;
  // The raw columns it reads, by name and kind (levels empty).
  std::vector<FeatureColumn> raw_columns() const;
  const std::vector<ColumnEncoding>& columns() const { return columns_; }

  nlohmann::json to_json() const;
  // DataError for JSON this class did not write.
  static FeatureEncoding from_json(const nlohmann::json& json);

 private:
  std::vector<ColumnEncoding> columns_;
};

}  // namespace tunelab
