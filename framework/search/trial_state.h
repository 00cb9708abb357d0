#pragma once
// What samplers, pruners and the store know of a trial: its state, and for a
// finished one its params, value and curve.

#include <vector>

#include "search/space.h"

namespace tunelab {

enum class TrialState { waiting, running, complete, pruned, fail };

const char* to_string(TrialState state);

struct FinishedTrial {
  int number = 0;
  TrialState state = TrialState::complete;
  Params params;
  double value = 0;                // the study's metric (NaN when the trial failed)
  std::vector<double> val_losses;  // per epoch
  // Each objective's value, in the study's order (values[0] is `value`);
  // empty when the trial failed. Samplers get them as losses.
  std::vector<double> values;
};

}  // namespace tunelab
