#pragma once
// Studies side by side, as `tunelab compare` and the report show them: the
// metric, best and median values, trial counts, wall time, each study's best
// params and the configuration keys whose values differ.

#include <optional>
#include <vector>

#include "report/table.h"
#include "store/store.h"

namespace tunelab {

// One column per study; `trials[i]` are the trials of `studies[i]`, and
// `ensembles[i]` its ensemble if it has one (rows for them appear when some
// study has one).
Table comparison_table(const std::vector<StudyInfo>& studies,
                       const std::vector<std::vector<TrialInfo>>& trials,
                       const std::vector<std::optional<EnsembleInfo>>& ensembles = {});

}  // namespace tunelab
