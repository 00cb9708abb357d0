#pragma once
// The results store: studies, trials, per-epoch curves and provenance, in
// an SQLite file or a PostgreSQL database (one schema, one set of
// statements: store/sql/). Only the runner writes it. Split by role: its
// queries (study_queries.h, all that a store opened read-only offers), the
// trial queue workers share (trial_queue.h), the kept weights files
// (weights_files.h), the trials' predictions and ensembles (ensemble_records.h), its schema and
// migrations (schema_migration.h), and here, opening a store and the life cycle of its studies.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/ensemble_records.h"
#include "store/locations.h"
#include "store/records.h"
#include "store/study_queries.h"
#include "store/trial_queue.h"
#include "store/weights_files.h"

namespace tunelab {

// `text` quoted for SQL with `quote` doubled inside: '\'' for a string
// literal, '"' for an identifier. Only for SQL shown to people or for DDL,
// where values cannot be bound.
std::string sql_quoted(const std::string& text, char quote = '\'');

// create_study found the name taken: another process created a study of
// that name between a look for it and the insert.
class StudyNameTaken : public InputError {
 public:
  using InputError::InputError;
};

class Store : public StudyQueries {
 public:
  // Opens (creating when missing) the store at `url`, migrated to this
  // tunelab's schema. InputError when the folder is missing, the file is not
  // a tunelab store, or its schema is newer.
  static std::unique_ptr<Store> open(const std::string& url);
  // Opens an existing store read-only, without migrating it, so that a store
  // written by an older tunelab can be queried and stays readable by it.
  static std::unique_ptr<StudyQueries> open_existing(const std::string& url);
  ~Store() override;

  std::optional<StudyInfo> find_study(const std::string& name);
  // With the trials of earlier studies its sampler is to see (in order), in
  // the same transaction.
  StudyInfo create_study(const NewStudy& study, const std::vector<WarmStartTrial>& warm_start = {});
  void add_provenance(std::int64_t study_id, const Provenance& provenance);

  // Sets the budget of an existing study (`--resume --trials N`).
  void set_trials_wanted(std::int64_t study_id, int trials);

  // Removes a study with its trials, params, curves, provenance and weights
  // bookkeeping in one transaction, then its weights files.
  void delete_study(std::int64_t study_id);

  TrialQueue& queue() { return queue_; }
  WeightsFiles& weights_files() { return weights_files_; }
  EnsembleRecords& ensembles() { return ensembles_; }

 private:
  explicit Store(std::shared_ptr<StoreConnection> connection);

  TrialQueue queue_;
  WeightsFiles weights_files_;
  EnsembleRecords ensembles_;
};

}  // namespace tunelab
