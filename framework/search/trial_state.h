#pragma once
// What samplers, pruners and the store know of a trial: its state, and for a
// finished one its params, value and learning curve.

#include <vector>

#include "search/space.h"

namespace tunelab {

enum class TrialState { waiting, running, complete, pruned, fail };

const char* to_string(TrialState state);

// One epoch of a finished trial's training, as stored.
struct EpochLosses {
  double train_loss = 0;
  double val_loss = 0;  // NaN without a validation split
  double seconds = 0;   // the epoch's own
};

struct FinishedTrial {
  int number = 0;
  TrialState state = TrialState::complete;
  Params params;
  double value = 0;                 // the study's metric (NaN when the trial failed)
  std::vector<EpochLosses> epochs;  // empty for an objective function
  // Each objective's value, in the study's order (values[0] is `value`);
  // empty when the trial failed. Samplers get them as losses.
  std::vector<double> values;
  // Each of search.constraints' values (search/constraints.h) for a
  // complete trial; empty without constraints.
  std::vector<double> constraints;

  bool feasible() const;
  double violation() const;  // 0 when feasible
};

}  // namespace tunelab
