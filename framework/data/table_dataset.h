#pragma once
// A Dataset from the columns of a CSV table: numbers, words and missing
// cells as they come.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/csv_table.h"
#include "data/dataset.h"

namespace tunelab {

// Which columns a data set reads, and how.
struct TableColumns {
  std::string target;                    // the column to predict
  std::vector<std::string> features;     // empty: every column but the target and `ignore`
  std::vector<std::string> ignore;       // never read beyond splitting the row
  std::vector<std::string> categorical;  // categories even where every cell is a number
  std::vector<std::string> na_values;    // cells that mean "missing", besides the defaults
  bool all_categorical = false;          // every feature a category (`categorical: all`)
  // Rows whose target is missing are left out (and said in the notes)
  // rather than refused.
  bool drop_missing_target = false;
};

// "", NA, N/A, n/a, NaN, nan, -NaN, null, NULL, None, <NA>, #N/A: what
// spreadsheets, pandas and R write for a missing cell.
const std::vector<std::string>& default_na_values();

// A feature column is numeric when every present cell is a number, else
// categorical (levels sorted). A target with any cell that is not a number
// makes a classification data set (classes sorted). Unknown names are
// ConfigErrors keyed "target", "features[i]", "ignore[i]" or
// "categorical[i]"; a missing target cell or a non-finite number is a
// DataError at its line and column.
Dataset dataset_from_table(const CsvTable& table, const TableColumns& columns);

// The values of rows to predict: `read[j]` is the table column holding
// feature `columns[j]`, read as that feature's kind; categorical codes index
// the levels this table holds, which are written into `columns[j].levels`.
// A cell of a numeric feature that is not a number is a DataError at its
// line and column.
at::Tensor read_feature_values(const CsvTable& table, const std::vector<std::size_t>& read,
                               std::vector<FeatureColumn>& columns,
                               const std::vector<std::string>& na_values);

// The labels of table column `column` as codes into `classes` (rows, 1),
// read as the data set read its target (spaces trimmed); nullopt where a
// label is missing or not one of `classes`.
std::optional<at::Tensor> read_class_codes(const CsvTable& table, std::size_t column,
                                           const std::vector<std::string>& classes,
                                           const std::vector<std::string>& na_values);

}  // namespace tunelab
