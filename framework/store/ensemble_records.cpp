#include "store/ensemble_records.h"

#include <cstring>

#include "store/sql/connection.h"
#include "store/store_connection.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;

// The bytes as the machine holds them: every machine tunelab builds for is
// little-endian, which is what the schema states.
std::string floats_as_hex(const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return hex_of(bytes);
}

std::vector<float> floats_from_hex(const std::string& hex) {
  const std::string bytes = bytes_of(hex);
  std::vector<float> out(bytes.size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

EnsembleRecords::EnsembleRecords(std::shared_ptr<StoreConnection> connection)
    : connection_(std::move(connection)), db_(connection_->db.get()), url_(connection_->url) {}

void EnsembleRecords::record_predictions(sql::Transaction&, std::int64_t trial_id,
                                         const TrialPredictions& predictions) {
  for (const auto& [split, m] : {std::pair{"val", &predictions.val}, {"test", &predictions.test}}) {
    if (m->rows == 0 || m->rows * m->columns > kMostStoredPredictions) continue;
    db_->execute(
        "INSERT INTO trial_predictions (trial_id, split, n_rows, n_columns, values_hex, "
        "targets_hex) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, split) DO UPDATE SET "
        "n_rows = excluded.n_rows, n_columns = excluded.n_columns, "
        "values_hex = excluded.values_hex, targets_hex = excluded.targets_hex",
        {trial_id, std::string(split), m->rows, m->columns, floats_as_hex(m->values),
         floats_as_hex(m->targets)});
  }
}

void EnsembleRecords::save_ensemble(std::int64_t study_id, const EnsembleInfo& e) {
  in_store(url_, [&] {
    return retrying([&] {
      sql::Transaction tx(*db_);
      tx.lock_study(study_id);
      for (const char* table : {"ensemble_metrics", "ensemble_members", "ensembles"})
        db_->execute(std::string("DELETE FROM ") + table + " WHERE study_id = ?", {study_id});
      db_->execute(
          "INSERT INTO ensembles (study_id, method, size, selected_by, best_trial, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {study_id, e.method, static_cast<std::int64_t>(e.size), e.selected_by,
           static_cast<std::int64_t>(e.best_trial), utc_now()});
      for (const auto& [number, weight] : e.members)
        db_->execute("INSERT INTO ensemble_members (study_id, number, weight) VALUES (?, ?, ?)",
                     {study_id, static_cast<std::int64_t>(number), weight});
      for (const auto& [prefix, metrics] :
           {std::pair{"", &e.metrics}, {"best_trial_", &e.best_trial_metrics}})
        for (const auto& [name, value] : *metrics)
          db_->execute("INSERT INTO ensemble_metrics (study_id, name, value) VALUES (?, ?, ?)",
                       {study_id, prefix + name, value});
      tx.commit();
      return 0;
    });
  });
}

}  // namespace tunelab
