#pragma once
// What `tunelab run` and `tunelab worker` print while a study runs: the
// per-epoch table of a single run, or one line per trial of a study, and on
// a terminal a progress line with an ETA that is overwritten in place (never
// written to logs).

#include <chrono>
#include <string>

#include "runner/study.h"

namespace tunelab::cli {

class RunPrinter {
 public:
  // `single`: a run without a search. `progress`: the in-place progress
  // line on a terminal; off where several processes share the terminal.
  RunPrinter(const ExperimentConfig& config, bool quiet, bool single, bool progress = true);

  StudyObserver observer();

  // "trial 3: training loss became NaN in epoch 2", for the summary.
  const std::string& last_error() const { return last_error_; }

 private:
  void epoch(int number, const EpochRecord& e);
  void trial(const TrialReport& r);

  const ExperimentConfig& config_;
  bool quiet_, single_, terminal_;
  int done_ = 0, remaining_ = 0;
  std::chrono::steady_clock::time_point last_progress_;
  double seconds_ = 0;
  std::string last_error_;
};

}  // namespace tunelab::cli
