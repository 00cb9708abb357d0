#pragma once
// One trial of a study: its params set into the experiment, trained (or the
// objective evaluated), the outcome written to the store and, when it is
// the best so far, its weights kept. A trial that fails is recorded as FAIL
// with the reason; only an interrupt stops the study.

#include <cstdint>
#include <vector>

#include "config/experiment_loader.h"
#include "runner/study/study.h"
#include "runner/trial/trial_training.h"
#include "search/pruning_curves.h"

namespace tunelab {

struct Registrar;

// What a study's trials share: the data (loaded once, unless the space
// varies data.*) and the pruner.
struct StudyContext {
  const Experiment& experiment;
  const Registrar& registrar;
  Store& store;
  std::int64_t study_id = 0;
  const StudyOptions& options;
  const StudyObserver& observer;
  Pruner& pruner;
  const PruningCurves& pruning;  // what the pruner compares
  std::string device;
  bool data_varies = false;  // the space searches over data.*: each trial loads its own
  const Folds& shared;       // the split, and its folds under data.folds
};

struct ClaimedTrial {
  std::int64_t trial_id = 0;
  int number = 0;
  std::uint64_t seed = 0;
  Params params;
  // The finished trials this trial may see (the pruner's view).
  std::vector<FinishedTrial> history;
};

struct TrialResult {
  TrialReport report;
  bool interrupted = false;  // stopped by SIGINT or SIGTERM
};

// Runs `trial` (already RUNNING in the store) to its end and records it;
// the report's `best` is the study's best trial after it.
TrialResult run_claimed_trial(const StudyContext& context, const ClaimedTrial& trial);

}  // namespace tunelab
