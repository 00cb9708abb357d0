#pragma once
// A study's Pareto front: its complete trials that no other complete trial
// dominates over the study's objectives (each in its direction). For a study
// of one objective, its best trials (ties included).

#include <string>
#include <vector>

#include "report/table.h"
#include "store/records.h"

namespace tunelab {

// The front's trials (pointers into `trials`), by their first objective's
// value (best first), then number.
std::vector<const TrialInfo*> pareto_trials(const StudyInfo& study,
                                            const std::vector<TrialInfo>& trials);

// "val_rmse (min)": an objective as the front's tables and figures name it.
std::string objective_label(const Objective& objective);

// The study's objectives by name, "val_rmse, n_params"; its metric for one.
std::string objective_names(const StudyInfo& study);

// A trial's value of each objective: its recorded values, or its value alone
// in a store from before several objectives.
std::vector<double> objective_values(const TrialInfo& trial);

// The trials of a Pareto front as `tunelab best` lists them: number, each
// objective's value, then every param (columns by short name).
Table front_table(const StudyInfo& study, const std::vector<TrialInfo>& trials,
                  const std::vector<const TrialInfo*>& front);

}  // namespace tunelab
