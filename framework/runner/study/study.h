#pragma once
// A tuning study: the sampler proposes params, each trial trains with its own
// seed, and every trial lands in the store. A study without a search space is
// one trial.

#include <functional>
#include <optional>
#include <string>

#include "config/experiment_loader.h"
#include "runner/prepare/prepared_data.h"
#include "runner/trial/cross_validation.h"
#include "runner/trial/single_run.h"
#include "search/sampler.h"
#include "store/store.h"
#include "train/trainer.h"

namespace tunelab {

struct Registrar;

struct StudyOptions {
  std::string study_name;     // empty: the experiment's name
  std::optional<int> trials;  // overrides search.trials
  bool resume = false;        // continue a study of that name
  // A taken name becomes the next free one, NAME-2, NAME-3 (a single
  // training run is recorded whenever it runs).
  bool number_taken_name = false;
  // LibTorch's intra-op threads. One is fastest for small tabular models
  // (small matrices, many steps) and makes results independent of the
  // machine's core count.
  int threads = 1;
  // Which trials' trained weights are kept next to the store (for `tunelab
  // predict`): none, the study's best (replaced as a better one finishes), or
  // every complete trial.
  enum class KeepWeights { none, best, all };
  KeepWeights keep_weights = KeepWeights::best;
  // A RUNNING trial whose worker has been silent this long is handed back
  // (at once when the worker was a process of this machine that is gone).
  double lost_after_seconds = 60;
  // Handed back trials run again once, with the same number, seed and params.
  bool requeue_lost = true;
  // A resumed study whose data set (or a plugin library) differs from the
  // one it ran with is refused, unless this says the change is meant.
  bool allow_data_change = false;
};

struct TrialReport {
  int number = 0;
  TrialState state = TrialState::complete;
  Params params;
  double value = kNoValue;
  std::string error;
  // A complete trial that broke search.constraints: which bounds
  // ("n_params <= 20000 (n_params 23713)"); empty: feasible.
  std::string infeasible;
  double seconds = 0;
  std::optional<RunSummary> run;      // absent when the trial failed before training ended
  int counted = 0, wanted = 0;        // trials counted against the budget so far
  std::optional<FinishedTrial> best;  // best complete trial so far
};

struct StudyObserver {
  // Called once the study and its data are ready (trials to go, data shape).
  std::function<void(const std::string& study, int counted, int wanted, const PreparedData&)>
      on_start;
  std::function<void(int number, const Params& params)> on_trial_start;
  std::function<void(int number, const EpochRecord&)> on_epoch;
  std::function<void(const TrialReport&)> on_trial;
  // Something the user should know that is not a trial (weights restored).
  std::function<void(const std::string& note)> on_note;
};

// Why a study's loop ended.
enum class StopReason { none, budget, timeout, space_exhausted, interrupted };

// "budget", "timeout", "space exhausted", "interrupted" ("" for none).
const char* to_string(StopReason reason);

struct StudySummary {
  std::string name;
  int complete = 0, pruned = 0, failed = 0;  // over the whole study
  int infeasible = 0;                        // complete trials that broke search.constraints
  int ran_now = 0;                           // trials this call ran
  std::optional<FinishedTrial> best;
  StopReason stopped_because = StopReason::none;
};

// Throws ConfigError (unlocated) and InputError for bad input; a trial that
// fails (a non-finite loss, an exception in a plugin) is recorded as FAIL and
// the study goes on. Other processes may work on the same study at the same
// time (work_on_study): each trial is claimed once, and the budget is exact.
StudySummary run_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                       const StudyOptions& options, const StudyObserver& observer = {});

// The first half of run_study: checks the experiment and its data, and
// creates the study (or, with options.resume, finds it), running nothing.
StudyInfo prepare_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                        const StudyOptions& options);

// The second half: runs trials of an existing study until its budget is
// reached, as one worker among any number.
StudySummary work_on_study(const Experiment& experiment, const Registrar& registrar, Store& store,
                           const StudyInfo& study, const StudyOptions& options,
                           const StudyObserver& observer = {});

// The study as the store has it now: trials by state, the best.
StudySummary study_summary(Store& store, const StudyInfo& study);

// What a run reads and checks before its first trial: the data the trials
// share (none for an objective experiment), with the loss and metrics
// checked against its task. `validate` runs the same.
Folds load_study_data(const Experiment& experiment, const Registrar& registrar);

// The configuration as the data settles it: the loss a classification
// target trains with where the file names none. What `validate` prints and
// a study records.
ExperimentConfig resolved_config(const ExperimentConfig& config, const Folds& data,
                                 const Registrar& registrar);

// The best complete, feasible trial (lowest value, highest where the metric is
// maximised; a tie goes to the lower number).
std::optional<FinishedTrial> best_trial(const std::vector<FinishedTrial>& trials,
                                        Direction direction);

}  // namespace tunelab
