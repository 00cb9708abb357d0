#pragma once
// The results store: studies, trials, per-epoch curves and provenance, in
// SQLite. Only the runner writes it. Every write is one transaction, so a
// crash leaves every finished trial intact.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/sampler.h"

namespace SQLite {
class Database;
}

namespace tunelab {

// "sqlite:///relative/path.db", "sqlite:////absolute/path.db", or a plain path.
std::filesystem::path sqlite_path_from_url(const std::string& url);

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
};

struct Provenance {
  std::string tunelab_version, tunelab_commit, libtorch_version, device, host, dataset_digest;
  int threads = 1;
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

// FNV-1a 64-bit, as 16 hex digits: a fingerprint, not a security hash.
std::string fingerprint(const void* data, std::size_t size,
                        std::uint64_t seed = 0xcbf29ce484222325ULL);
std::string fingerprint(const std::string& text);

class Store {
 public:
  // Opens (creating when missing) the store at `url`. InputError when the
  // folder is missing, the file is not a tunelab store, or its schema is newer.
  static std::unique_ptr<Store> open(const std::string& url);
  ~Store();

  const std::string& url() const { return url_; }

  std::optional<StudyRecord> find_study(const std::string& name);
  StudyRecord create_study(const NewStudy& study);
  void add_provenance(std::int64_t study_id, const Provenance& provenance);

  // Marks trials a dead process left RUNNING as FAIL; returns how many.
  int fail_abandoned_trials(std::int64_t study_id, const std::string& reason);

  // Finished (COMPLETE, PRUNED, FAIL) trials in number order, with curves.
  std::vector<FinishedTrial> finished_trials(std::int64_t study_id);
  // Finished trials that count against the budget (not the interrupted ones).
  int counted_trials(std::int64_t study_id);
  int next_trial_number(std::int64_t study_id);

  // Inserts trial `number` as RUNNING and returns its id.
  std::int64_t start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                           const Params& params, const std::string& device);
  void finish_trial(std::int64_t trial_id, const Params& params, const TrialOutcome& outcome);

 private:
  Store(std::string url, std::unique_ptr<SQLite::Database> db);
  void migrate();

  std::string url_;
  std::unique_ptr<SQLite::Database> db_;
};

// The prefix of the error of a trial failed by a process that stopped; such
// trials do not count against the budget.
inline const std::string kInterruptedPrefix = "interrupted";

}  // namespace tunelab
