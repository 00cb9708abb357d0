#pragma once
// What ensembles of a study's trials are made from and kept as: each
// complete trial's predictions on the validation and test rows, written with
// the trial, and the study's ensemble (its members, weights and metrics).
// The readers are StudyQueries' (predictions, ensemble).

#include <cstdint>
#include <memory>
#include <string>

#include "store/records.h"

namespace tunelab {

struct StoreConnection;
namespace sql {
class Connection;
class Transaction;
}  // namespace sql

// The most numbers a split's predictions may hold to be kept (rows times
// columns): 4 million, 64 MB of text per trial, beyond which a trial's
// predictions are not stored and it cannot be a member of an ensemble.
inline constexpr std::int64_t kMostStoredPredictions = 4'000'000;

class EnsembleRecords {
 public:
  explicit EnsembleRecords(std::shared_ptr<StoreConnection> connection);

  // Within the caller's transaction (the one that records the trial as
  // COMPLETE): the trial's predictions, each split that has rows and is
  // within kMostStoredPredictions.
  void record_predictions(sql::Transaction& tx, std::int64_t trial_id,
                          const TrialPredictions& predictions);
  // Replaces the study's ensemble, in one transaction of its own.
  void save_ensemble(std::int64_t study_id, const EnsembleInfo& ensemble);

 private:
  std::shared_ptr<StoreConnection> connection_;
  sql::Connection* db_;
  std::string url_;
};

// A matrix as the store's text (float32 little-endian in hexadecimal) and
// back; for the queries' reading.
std::string floats_as_hex(const std::vector<float>& values);
std::vector<float> floats_from_hex(const std::string& hex);

}  // namespace tunelab
