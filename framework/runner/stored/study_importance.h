#pragma once
// Parameter importance of a stored study (analysis/importance.h): which of
// its searched params mattered for its metric, over its complete trials.

#include <string>
#include <vector>

#include "analysis/importance.h"
#include "store/store.h"

namespace tunelab {

struct StudyImportance {
  std::vector<ParamImportance> params;  // most important first; empty when there is none
  std::string note;                     // why there is none
  int trials = 0;                       // the complete trials it was computed from
  bool conditional = false;             // each param judged on the trials that searched it
  // Said beside importances from few trials: a forest of a handful of points
  // ranks params by chance as often as not.
  std::string caveat;
};

// Below this many complete trials, importances come with a caveat.
inline constexpr int kSteadyImportanceTrials = 20;

// Seeded from the study: the same store gives the same importances.
StudyImportance study_importance(const StudyInfo& study, const std::vector<TrialInfo>& trials);

}  // namespace tunelab
