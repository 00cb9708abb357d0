#include "search/trial_state.h"

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

}  // namespace tunelab
