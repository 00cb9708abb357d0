#pragma once
// A study's Pareto front: its complete trials that no other complete trial
// dominates over the study's objectives (each in its direction). For a study
// of one objective, its best trials (ties included).

#include <vector>

#include "store/records.h"

namespace tunelab {

// The numbers of the front's trials, by their first objective's value (best
// first), then number.
std::vector<int> pareto_numbers(const StudyInfo& study, const std::vector<TrialInfo>& trials);

// A trial's value of each objective: its recorded values, or its value alone
// in a store from before several objectives.
std::vector<double> objective_values(const TrialInfo& trial);

}  // namespace tunelab
