#pragma once
// A study's trials as `tunelab trials` lists them: which trials, which
// columns, in what order.

#include <string>
#include <vector>

#include "report/table.h"
#include "store/store.h"

namespace tunelab {

struct TrialListing {
  std::string sort;          // a column, a param (path or short name), "value"; empty: by number
  bool descending = false;   // largest first
  bool all_metrics = false;  // a column for every loss and metric recorded
  int top = 0;               // only the first K (0: all); alone, the K best complete trials
  std::string state;         // only trials in this state (upper case); empty: all
  bool pareto = false;       // only the Pareto front
};

// One row per trial that `how` keeps: number, state, the objectives, the
// losses and metrics asked for, epochs, seconds, then every param. An
// unknown sort column is an InputError that lists the known ones.
Table trial_listing(const StudyInfo& study, const std::vector<TrialInfo>& trials, TrialListing how);

}  // namespace tunelab
