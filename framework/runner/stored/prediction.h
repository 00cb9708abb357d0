#pragma once
// Predictions of a stored trial's trained models for the rows of a CSV table.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/csv_table.h"
#include "runner/stored/stored_trial.h"

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
  // The rows' targets the metrics were computed on (as metrics_on takes
  // them: values, or class codes); undefined when there are no metrics.
  at::Tensor targets;
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

// The weighted mean of several models' predictions for the same rows (an
// ensemble's members', weights summing to 1), with the metrics of that mean
// where the members had targets; the loss is left out (each member trained
// in its own units). Notes are merged, each once.
Predictions combine_predictions(const std::vector<Predictions>& members,
                                const std::vector<double>& weights);

// The trial whose weights predict: `number` where given, else the study's
// best (InputError where it has no complete trial).
TrialInfo trial_to_predict_with(StudyQueries& store, const StudyInfo& study,
                                std::optional<int> number);

// The prediction of `ensemble` (one of `study`'s) for the rows of `table`:
// each member rebuilt from the store with its weights, predicting, then
// combined. `targets` gets the targets' names.
Predictions predict_with_ensemble(StudyQueries& store, const StudyInfo& study,
                                  const EnsembleInfo& ensemble, const Registrar& registrar,
                                  const CsvTable& table, const std::string& source,
                                  std::vector<std::string>& targets);

}  // namespace tunelab
