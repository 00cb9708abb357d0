#include "search/trial_state.h"

#include "search/constraints.h"

namespace tunelab {

const char* to_string(TrialState state) {
  switch (state) {
    case TrialState::waiting:
      return "WAITING";
    case TrialState::running:
      return "RUNNING";
    case TrialState::complete:
      return "COMPLETE";
    case TrialState::pruned:
      return "PRUNED";
    case TrialState::fail:
      return "FAIL";
  }
  return "FAIL";
}

bool FinishedTrial::feasible() const { return is_feasible(constraints); }

double FinishedTrial::violation() const { return total_violation(constraints); }

}  // namespace tunelab
