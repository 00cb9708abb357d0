#include "runner/stored/study_importance.h"

#include <fmt/format.h>

#include <cmath>

#include "common/errors.h"
#include "config/experiment_loader.h"

namespace tunelab {

StudyImportance study_importance(const StudyInfo& study, const std::vector<TrialInfo>& trials) {
  StudyImportance out;
  SearchSpace space;
  try {
    space = interpret_experiment(study.document).search.space;
  } catch (const Error& e) {
    out.note = fmt::format("the stored configuration no longer reads: {}", e.what());
    return out;
  }
  if (space.empty()) {
    out.note = "the study has no search space";
    return out;
  }
  std::vector<ScoredParams> scored;
  for (const auto& t : trials)
    if (t.state == TrialState::complete && std::isfinite(t.value))
      scored.push_back({t.params, t.value});
  out.trials = static_cast<int>(scored.size());
  if (scored.size() < 2) {
    out.note = fmt::format("needs at least 2 complete trials, the study has {}", scored.size());
    return out;
  }
  out.params = param_importance(space, scored, study.seed);
  out.conditional = space.conditional();
  if (out.trials < kSteadyImportanceTrials)
    out.caveat = fmt::format(
        "from {} complete trials only: rough, it may rank the params "
        "otherwise with more (at least {} make it steadier)",
        out.trials, kSteadyImportanceTrials);
  return out;
}

}  // namespace tunelab
