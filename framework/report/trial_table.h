#pragma once
// Trials as table rows, shared by `tunelab trials` and `tunelab export`.

#include <string>
#include <vector>

#include "report/table.h"
#include "store/store.h"

namespace tunelab {

// The params the study searched over, in path order (from its trials, so that
// stores of any version answer).
std::vector<std::string> param_paths(const std::vector<TrialInfo>& trials);

// Column headers for param paths: the last part of the path where that is
// unambiguous ("lr" for "trainer.lr"), else the whole path.
std::vector<std::string> short_names(const std::vector<std::string>& paths);

// A number cell; NaN (no value) is null.
Cell number_cell(double value);

// A loss or metric the trial recorded, by name (train_loss, val_rmse, ...);
// NaN where it has none.
double recorded_value(const TrialInfo& trial, const std::string& name);

// Whether the trials are of a study with search.constraints (a complete
// one holds its constraint values): its listings gain a `feasible` column.
bool has_constraints(const std::vector<TrialInfo>& trials);

// The `feasible` cell of a trial: whether a complete trial kept every
// bound; empty for one that did not complete.
Cell feasible_cell(const TrialInfo& trial);

// A trial as a record: study, number, state, metric, value and losses, kept
// epoch, epochs run, seed, device, times, error (if any), params and the
// weights file (null when none was kept).
Cell trial_record(StudyQueries& store, const StudyInfo& study, const TrialInfo& trial);

// Every stored column of every trial, then one column per param (by path):
// what `tunelab export` writes.
Table export_table(const std::vector<TrialInfo>& trials);

}  // namespace tunelab
