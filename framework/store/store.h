#pragma once
// The results store: studies, trials, per-epoch curves and provenance, in
// an SQLite file or a PostgreSQL database (one schema, one set of
// statements: store/sql/). Only the runner writes it. Every write is one
// transaction, so a crash leaves every finished trial intact.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fingerprint.h"
#include "search/trial_state.h"

namespace tunelab {
namespace sql {
class Connection;
}

// "sqlite:///relative/path.db", "sqlite:////absolute/path.db", or a plain path.
std::filesystem::path sqlite_path_from_url(const std::string& url);
// postgresql://[user[:password]@][host][:port]/database[?param=value...]
bool is_postgresql_url(const std::string& url);
// What an SQLite store in `file` keeps beside it: the file, its journals and
// its folder of weights files.
std::vector<std::filesystem::path> sqlite_store_files(const std::filesystem::path& file);
// `url` without the password it may hold, for messages and reports.
std::string shown_url(const std::string& url);

// `text` quoted for SQL with `quote` doubled inside: '\'' for a string
// literal, '"' for an identifier. Only for SQL shown to people or for DDL,
// where values cannot be bound.
std::string sql_quoted(const std::string& text, char quote = '\'');

inline const std::string kDefaultStorage = "sqlite:///results/tunelab.db";

struct NewStudy {
  std::string name;
  std::uint64_t seed = 0;
  std::string metric;
  int trials_wanted = 1;
  nlohmann::json config;
  nlohmann::json document;
  std::string experiment_file;
};

struct StudyRecord {
  std::int64_t id = 0;
  std::string name;
  std::string config_hash;
  int trials_wanted = 0;
  // The budget the study was created with: designs laid out over the budget
  // (a Latin hypercube) keep it when a resumed run asks for more trials.
  int design_trials = 0;
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

struct TrialOutcome {
  TrialState state = TrialState::complete;
  // NaN: none (the trial failed, or there is no such split).
  double value = kMissing, train_loss = kMissing, val_loss = kMissing, test_loss = kMissing;
  int best_epoch = 0;
  std::vector<EpochRow> epochs;
  std::string error;
  double duration_s = 0;
};

// What the query commands read back.
struct StudyInfo {
  std::int64_t id = 0;
  std::string name;
  std::uint64_t seed = 0;
  std::string metric;
  int trials_wanted = 0;
  nlohmann::json config, document;
  std::string experiment_file, created_at;
  int complete = 0, pruned = 0, failed = 0, running = 0;  // running: also re-queued (WAITING)
  std::optional<int> best_number;                         // the best complete trial, if any
  double best_value = kMissing;
  std::string first_started, last_finished;  // empty before the first trial
  double wall_seconds = 0;                   // first start to last finish

  int trials() const { return complete + pruned + failed + running; }
};

struct TrialInfo {
  std::int64_t id = 0;
  int number = 0;
  TrialState state = TrialState::running;
  std::uint64_t seed = 0;
  Params params;
  double value = kMissing, train_loss = kMissing, val_loss = kMissing, test_loss = kMissing;
  std::optional<int> best_epoch;
  int epochs_run = 0;
  std::string device, started_at, finished_at, error;
  double duration_s = kMissing;
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

class Store {
 public:
  // Opens (creating when missing) the store at `url`. InputError when the
  // folder is missing, the file is not a tunelab store, or its schema is newer.
  static std::unique_ptr<Store> open(const std::string& url);
  // Opens an existing store read-only, without migrating it, so that a store
  // written by an older tunelab can be queried and stays readable by it.
  static std::unique_ptr<Store> open_existing(const std::string& url);
  ~Store();

  // Without its password, if it had one.
  const std::string& url() const { return url_; }
  // The URL as given, for the worker processes that open the store again.
  const std::string& connect_url() const { return connect_url_; }
  bool is_postgresql() const;

  std::optional<StudyRecord> find_study(const std::string& name);
  StudyRecord create_study(const NewStudy& study);
  void add_provenance(std::int64_t study_id, const Provenance& provenance);

  // Marks trials that a process which recorded no worker (an older tunelab)
  // left RUNNING as FAIL; returns how many.
  int fail_abandoned_trials(std::int64_t study_id, const std::string& reason);
  // Sets the budget of an existing study (`--resume --trials N`).
  void set_trials_wanted(std::int64_t study_id, int trials);

  // Finished (COMPLETE, PRUNED, FAIL) trials in number order, with curves.
  std::vector<FinishedTrial> finished_trials(std::int64_t study_id);
  // Finished trials that count against the budget (not the interrupted ones).
  int counted_trials(std::int64_t study_id);
  int next_trial_number(std::int64_t study_id);

  // Inserts trial `number` as RUNNING with its params and returns its id.
  std::int64_t start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                           const Params& params, const std::string& device);

  // Several workers on one study (runner/worker.cpp). Each claim is one
  // IMMEDIATE transaction, so two workers never get the same trial.
  struct Progress {
    int counted = 0;  // finished trials that count against the budget
    int active = 0;   // RUNNING and WAITING ones
    int next_number = 0;
    std::optional<int> lowest_unfinished;  // the lowest RUNNING or WAITING number
  };
  Progress progress(std::int64_t study_id);
  // Starts trial `number` for `worker` when it is still the next number and
  // the budget is not spoken for (finished + running + waiting < wanted);
  // nullopt when another worker was first.
  std::optional<std::int64_t> claim_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                          const Params& params, const std::string& device,
                                          const std::string& worker, int wanted);
  struct Claimed {
    std::int64_t trial_id = 0;
    int number = 0;
    std::uint64_t seed = 0;
    Params params;
  };
  // Takes the lowest WAITING (re-queued) trial, if there is one.
  std::optional<Claimed> claim_waiting_trial(std::int64_t study_id, const std::string& device,
                                             const std::string& worker);
  void heartbeat(std::int64_t trial_id);
  struct Running {
    std::int64_t trial_id = 0;
    int number = 0;
    std::string worker;
    double silent_seconds = 0;  // since its last heartbeat
    int attempts = 1;
  };
  std::vector<Running> running_trials(std::int64_t study_id);
  // A RUNNING trial whose worker is gone: back to WAITING with the same
  // number, seed and params (`requeue`), or FAIL with `reason`. False when
  // the trial was no longer RUNNING under that worker (someone else was first).
  bool release_lost_trial(const Running& trial, bool requeue, const std::string& reason);
  void finish_trial(std::int64_t trial_id, const TrialOutcome& outcome);
  // Removes a study with its trials, params, curves, provenance and weights
  // bookkeeping in one transaction, then its weights files.
  void delete_study(std::int64_t study_id);
  // A RUNNING trial stopped by a signal: back to WAITING with the same
  // number, seed and params, `reason` as its error, so that the next run or
  // worker of the study trains it again from the start.
  void requeue_interrupted_trial(std::int64_t trial_id, const std::string& reason);

  // Queries (store_queries.cpp). An unknown study or trial is an InputError
  // that names the ones there are.
  std::vector<StudyInfo> studies();
  StudyInfo study(const std::string& name);
  std::vector<TrialInfo> trials(std::int64_t study_id);
  TrialInfo trial(const StudyInfo& study, int number);
  std::vector<EpochRow> epochs(std::int64_t trial_id);
  std::vector<ProvenanceInfo> provenance(std::int64_t study_id);
  std::optional<WeightsInfo> weights(std::int64_t trial_id);

  // Trained weights (weights.cpp writes the files): the folder they live in,
  // next to an SQLite store (results/ under the working folder for a
  // PostgreSQL one), and their bookkeeping. `relative` is relative to the
  // store's folder. A trial's `best` weights replace the study's previous
  // best ones, whose files are removed.
  std::filesystem::path weights_folder(std::int64_t study_id) const;
  // What this store keeps on this machine, which no output may overwrite:
  // an SQLite file and its journals, and the folder of weights files.
  std::vector<std::filesystem::path> files() const;
  // Returns false, and keeps nothing, for `best` weights when the study
  // already keeps a better trial's (workers finish in any order).
  bool add_weights(std::int64_t trial_id, const std::filesystem::path& file,
                   const std::string& reason, const std::vector<std::string>& features,
                   const std::vector<std::string>& targets);

 private:
  Store(std::string url, std::unique_ptr<sql::Connection> db);
  void migrate();
  // Rebuilds the trial_summary view with a column for every param name.
  void refresh_views();
  int schema_version();
  // Inside the caller's transaction.
  std::int64_t insert_trial(std::int64_t study_id, int number, std::uint64_t seed,
                            const Params& params, const std::string& device,
                            const std::string& worker);
  void write_outcome(std::int64_t trial_id, const TrialOutcome& outcome);

  std::string connect_url_, url_;
  std::unique_ptr<sql::Connection> db_;
  // Weights files live in files_folder_/weights_name_/study-N.
  std::filesystem::path files_folder_;
  std::string weights_name_;
};

}  // namespace tunelab
