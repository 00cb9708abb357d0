#pragma once
// Predictions as `tunelab predict` writes them: the CSV file (every input
// column copied through, then the predicted values, or label and each
// class's probability), and their metrics as text.

#include <string>
#include <vector>

#include "data/csv_table.h"
#include "runner/stored/prediction.h"

namespace tunelab {

// The rows of `table` with `predictions` for its `targets` added as
// predicted_TARGET (and probability_CLASS) columns; input columns of those
// names are left out and listed in `replaced` (a file that went through
// predict before).
std::string predictions_csv(const CsvTable& table, const std::vector<std::string>& targets,
                            const Predictions& predictions, std::vector<std::string>& replaced);

// The metrics of predictions with targets, "name value, ..." (6
// significant digits); the log loss only `with_logloss`.
std::string metrics_text(const Predictions& predictions, bool with_logloss);

}  // namespace tunelab
