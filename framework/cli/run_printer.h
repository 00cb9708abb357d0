#pragma once
// What `tunelab run` and `tunelab worker` print while a study runs: the
// per-epoch table of a single run, or one line per trial of a study, and
// progress with an ETA: on a terminal a line overwritten in place, elsewhere
// (logs, CI, nohup) a plain line every ten seconds of a long trial.

#include <chrono>
#include <set>
#include <string>

#include "runner/study/study.h"

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
  void start(const std::string& study, int counted, int wanted, const PreparedData& data);
  void trial_start(const Params& params);
  void epoch(int number, const EpochRecord& e);
  void trial(const TrialReport& r);
  // Seconds left: the running trial's epochs to go, then the trials to go at
  // the epochs the finished ones ran, all at the seconds per epoch so far.
  double eta(int epoch) const;

  const ExperimentConfig& config_;
  bool quiet_, single_, terminal_;
  int done_ = 0, remaining_ = 0;
  std::string best_value_ = "-";  // the study's best so far, by its metric
  int trial_epochs_ = 0;          // the running trial's epoch budget (its own, when searched)
  long epochs_done_ = 0;          // epochs of the finished trials
  long epochs_seen_ = 0;          // every epoch reported, running trial's too
  long trial_epochs_seen_ = 0;    // the running trial's
  double epoch_seconds_ = 0;      // their time
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::milliseconds log_interval_{10'000};  // between progress lines in a log
  std::string last_error_;
  std::set<std::string> warned_;  // each warning is shown once
};

}  // namespace tunelab::cli
