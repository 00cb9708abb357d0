#pragma once
// Predictions of a stored trial's trained models for the rows of a CSV table.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/csv_table.h"
#include "runner/stored_trial.h"

namespace tunelab {

struct Predictions {
  // (rows, targets), in the targets' own units; for classification each
  // class's probability (rows, classes).
  at::Tensor values;
  // Classification: the classes, in the order of the probabilities.
  std::vector<std::string> classes;
  // The trial's loss on these rows, in the units it trained in (what the
  // stored test_loss is), and its metrics (rmse, accuracy, ...), when the
  // table has every target column (and, for classification, only known
  // classes in it).
  std::optional<double> loss;
  std::map<std::string, double> metrics;
  // What the user should know of the rows: values of a categorical column
  // the model never saw (those rows read none of its levels).
  std::vector<std::string> notes;
};

// `trial` must hold its trained models (Rebuild::trained). The table may
// have other columns, in any order; one the model reads that it lacks is an
// InputError: "<source>: <model> reads columns that the file lacks (...)",
// with every column the model reads. Missing cells and categories the model
// never saw are predicted like any other row; a word in a column the model
// reads as numbers is a DataError at its line and column.
Predictions predict_rows(const StoredTrialModel& trial, const Registrar& registrar,
                         const CsvTable& table, const std::string& source,
                         const std::string& model);

}  // namespace tunelab
