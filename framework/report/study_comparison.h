#pragma once
// Studies side by side, as `tunelab compare` and the report show them: the
// metric, best and median values, trial counts, wall time, each study's best
// params and the configuration keys whose values differ.

#include <vector>

#include "report/table.h"
#include "store/store.h"

namespace tunelab {

// One column per study; `trials[i]` are the trials of `studies[i]`.
Table comparison_table(const std::vector<StudyInfo>& studies,
                       const std::vector<std::vector<TrialInfo>>& trials);

}  // namespace tunelab
