#pragma once
// Predictions of a stored trial's trained models for the rows of a CSV table.

#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

#include "data/csv_table.h"
#include "runner/stored_trial.h"

namespace tunelab {

struct Predictions {
  at::Tensor values;  // (rows, targets), in the targets' own units
  // The trial's loss on these rows, in the units it trained in (what the
  // stored test_loss is), when the table has every target column.
  std::optional<double> loss;
};

// `trial` must hold its trained models (Rebuild::trained). The table may
// have other columns, in any order; one the model reads that it lacks is an
// InputError: "<source>: <model> reads columns that the file lacks (...)",
// with every column the model reads.
Predictions predict_rows(const StoredTrialModel& trial, const Registrar& registrar,
                         const CsvTable& table, const std::string& source,
                         const std::string& model);

}  // namespace tunelab
