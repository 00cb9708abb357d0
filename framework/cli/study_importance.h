#pragma once
// Parameter importance of a stored study (analysis/importance.h), as shown by
// `tunelab best` and `tunelab importance`.

#include <string>
#include <vector>

#include "cli/table.h"
#include "store/store.h"

namespace tunelab::cli {

struct StudyImportance {
  Table table;       // param, importance; most important first
  std::string note;  // why there is none, when the table is empty
  int trials = 0;    // the complete trials it was computed from
};

StudyImportance study_importance(const StudyInfo& study, const std::vector<TrialInfo>& trials);

}  // namespace tunelab::cli
