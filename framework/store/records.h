#pragma once
// What the store keeps and hands back: studies, trials, their curves and
// provenance, as plain records.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fingerprint.h"
#include "search/constraints.h"
#include "search/direction.h"
#include "search/trial_state.h"

namespace tunelab {

// What a study is made from; StudyInfo adds what it has become.
struct NewStudy {
  std::string name;
  std::uint64_t seed = 0;
  int trials_wanted = 1;
  nlohmann::json config;
  nlohmann::json document;
  std::string experiment_file;
  // What its trials are judged by: one metric and its direction, or several
  // (search.objectives). The studies table's metric and direction columns
  // hold the first, for SQL and for stores before version 7.
  std::vector<Objective> objectives = {Objective{"val_loss", Direction::minimize}};
  const std::string& metric() const { return objectives.front().metric; }
  Direction direction() const { return objectives.front().direction; }
};

// A finished trial of an earlier study that a study's sampler sees as
// history (search.warm_start): kept as it was when the study was created,
// so that its proposals stay the same when it is resumed or joined.
struct WarmStartTrial {
  std::string source_study;
  std::string source_storage;  // empty: the study's own store
  int source_number = 0;
  TrialState state = TrialState::complete;
  double value = std::numeric_limits<double>::quiet_NaN();
  Params params;               // the dimensions the two studies' spaces share
  std::vector<double> values;  // each objective's, `value` first
};

struct PluginRecord {
  std::string path, name, version, digest;
};

struct Provenance {
  std::string tunelab_version, tunelab_commit, libtorch_version, device, host, dataset_digest;
  int threads = 1;
  std::string blas;                   // the BLAS library file LibTorch calls
  std::vector<PluginRecord> plugins;  // the plugin libraries loaded
};

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct EpochRow {
  int epoch = 0;
  double train_loss = kMissing, val_loss = kMissing, lr = kMissing, seconds = 0;
};

// How a trial ended: what the runner records (TrialOutcome) and the queries
// read back (TrialInfo).
struct TrialResults {
  TrialState state = TrialState::complete;
  // NaN: none (the trial failed, or there is no such split).
  double value = kMissing, train_loss = kMissing, val_loss = kMissing, test_loss = kMissing;
  // The kept model's metrics in the target's units: val_rmse, test_auc, ...
  std::map<std::string, double> metrics;
  // Each objective's value, in the study's order (the first is `value`);
  // empty for a failed trial and in stores older than version 7.
  std::vector<double> values;
  // Each of search.constraints' values (search/constraints.h) for a
  // complete trial; empty without constraints (and before version 9).
  std::vector<double> constraints;
  std::string error;
  double duration_s = 0;

  // Not a complete trial that broke a constraint.
  bool feasible() const { return state != TrialState::complete || is_feasible(constraints); }
};

struct TrialOutcome : TrialResults {
  int best_epoch = 0;
  std::vector<EpochRow> epochs;
};

// A study's trials by state and their epochs, counted together.
struct StudyProgress {
  int studies = 1, trials = 0, running = 0, finished = 0;
  std::int64_t epochs = 0;
};

// What the query commands read back.
struct StudyInfo : NewStudy {
  std::int64_t id = 0;
  std::string created_at;
  // Known when the store was opened for writing (Store::find_study,
  // create_study): the fingerprint of the experiment it was created from,
  // and the budget it was created with (designs laid out over the budget, a
  // Latin hypercube, keep it when a resumed run asks for more trials).
  std::string config_hash;
  int design_trials = 0;
  int complete = 0, pruned = 0, failed = 0, running = 0;  // running: also re-queued (WAITING)
  std::optional<int> best_number;                         // the best complete trial, if any
  double best_value = kMissing;
  std::string first_started, last_finished;  // empty before the first trial
  double wall_seconds = 0;  // while some trial ran: its runs' working time, not the gaps between

  int trials() const { return complete + pruned + failed + running; }
};

struct TrialInfo : TrialResults {
  TrialInfo() { duration_s = kMissing; }

  std::int64_t id = 0;
  int number = 0;
  std::uint64_t seed = 0;
  Params params;
  std::optional<int> best_epoch;
  int epochs_run = 0;
  std::string device, started_at, finished_at;
  std::string worker;  // host:pid of the process that ran it last
  int attempts = 1;    // 2: re-queued once after its worker was lost
  // Stopped from outside (Ctrl-C, a stopped tunelab) rather than by its own
  // training: WAITING to train again, or FAIL without counting.
  bool interrupted = false;
};

struct ProvenanceInfo : Provenance {
  std::int64_t id = 0;
  std::string config_hash, recorded_at;
};

struct WeightsInfo {
  std::filesystem::path file;  // absolute
  std::string reason;          // "best" or "requested"
  std::vector<std::string> features, targets;
};

// A trial's predictions on one split's rows (trial_predictions): `values`
// (rows, columns) in the target's units, or each class's probability; the
// rows' targets (rows, targets), a classifier's as class indices.
struct PredictionMatrix {
  std::int64_t rows = 0, columns = 0, target_columns = 0;
  std::vector<float> values, targets;
};

struct TrialPredictions {
  int number = 0;
  PredictionMatrix val, test;  // rows 0: the split has none
};

// A study's ensemble of its trials: how it was chosen, each member trial's
// weight (summing to 1), its metrics on the validation and test rows.
struct EnsembleInfo {
  std::string method;  // "greedy" or "top"
  int size = 0;
  std::string selected_by;                      // the validation metric it was chosen by
  std::vector<std::pair<int, double>> members;  // trial number, weight; by number
  std::map<std::string, double> metrics;
  // The study's best single trial among the candidates, and its metrics on
  // the same rows, computed the same way (under folds: on the rows each fold
  // model did not train on, pooled): what the ensemble is to beat.
  int best_trial = 0;
  std::map<std::string, double> best_trial_metrics;
  std::string created_at;
};

}  // namespace tunelab
