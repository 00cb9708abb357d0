#pragma once
// Reading a store: its studies, trials, curves, provenance and kept
// weights. What the query commands, the report and predictions use, and all
// that a store opened read-only (Store::open_existing) offers. Only base
// tables are read, so stores of every schema version answer alike.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace tunelab {

struct StoreConnection;
namespace sql {
class Connection;
}

class StudyQueries {
 public:
  explicit StudyQueries(std::shared_ptr<StoreConnection> connection);
  virtual ~StudyQueries();

  // Without its password, if it had one.
  const std::string& url() const { return url_; }
  // The URL as given, for the worker processes that open the store again.
  const std::string& connect_url() const;
  bool is_postgresql() const;

  // An unknown study or trial is an InputError that names the ones there are.
  std::vector<StudyInfo> studies();
  StudyInfo study(const std::string& name);
  std::vector<TrialInfo> trials(std::int64_t study_id);
  TrialInfo trial(const StudyInfo& study, int number);
  std::vector<EpochRow> epochs(std::int64_t trial_id);
  // What has changed since a watcher last looked, in one query: how many
  // trials the study named has by state, and how many epochs they have
  // recorded (a live view asks this each second, and reads more only when it
  // moved); `studies` is 0 when there is no such study.
  StudyProgress progress(const std::string& study);
  // The same over every study (epochs left at 0), with how many there are.
  StudyProgress progress();
  std::vector<ProvenanceInfo> provenance(std::int64_t study_id);
  std::optional<WeightsInfo> weights(std::int64_t trial_id);
  // The earlier studies' trials a study's sampler takes as history, in order.
  std::vector<WarmStartTrial> warm_start_trials(std::int64_t study_id);
  // The complete trials' stored predictions, by number (none in stores
  // older than version 8, nor for trials whose predictions were too large).
  std::vector<TrialPredictions> predictions(std::int64_t study_id);
  // The study's ensemble, if one was built.
  std::optional<EnsembleInfo> ensemble(std::int64_t study_id);

  // What this store keeps on this machine, which no output may overwrite:
  // an SQLite file and its journals, and the folder of weights files.
  std::vector<std::filesystem::path> files() const;

 protected:
  std::shared_ptr<StoreConnection> connection_;
  sql::Connection* db_;
  std::string url_;
};

}  // namespace tunelab
