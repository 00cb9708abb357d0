#include "store/weights_files.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "common/errors.h"
#include "store/schema.h"
#include "store/sql/connection.h"
#include "store/store_connection.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;

WeightsFiles::WeightsFiles(std::shared_ptr<StoreConnection> connection)
    : connection_(std::move(connection)), db_(connection_->db.get()), url_(connection_->url) {}

bool WeightsFiles::is_postgresql() const { return connection_->is_postgresql(); }

std::filesystem::path WeightsFiles::weights_folder(std::int64_t study_id) const {
  // By id, not name: study names are free text.
  return connection_->files_folder / connection_->weights_name / fmt::format("study-{}", study_id);
}

WeightsFiles::Row WeightsFiles::row_for(std::int64_t trial_id, const std::filesystem::path& file,
                                        const std::string& reason,
                                        const std::vector<std::string>& features,
                                        const std::vector<std::string>& targets) const {
  Row row{trial_id, file, reason, features, targets, {}};
  // A PostgreSQL store keeps the bytes as well, for readers on other machines.
  if (is_postgresql()) {
    std::ifstream in(file, std::ios::binary);
    row.file_hex = hex_of(std::string(std::istreambuf_iterator<char>(in), {}));
    if (!in.good() && !in.eof())
      throw StoreError(fmt::format("{}: cannot read the weights file {}", url_, file.string()));
  }
  return row;
}

bool WeightsFiles::record(sql::Transaction& tx, const Row& r,
                          std::vector<std::filesystem::path>& replaced) {
  const bool pg = is_postgresql();
  replaced.clear();
  if (r.reason == "best") {
    sql::Rows study = db_->query("SELECT study_id FROM trials WHERE trial_id = ?", {r.trial_id});
    if (study.next()) tx.lock_study(study.int64(0));
    // Another worker's better trial may have finished in the meantime.
    sql::Rows better = db_->query(
        "SELECT count(*) FROM weights w JOIN trials t USING (trial_id) "
        "JOIN trials me ON me.trial_id = ?1 JOIN studies s ON s.study_id = me.study_id "
        "WHERE w.reason = 'best' AND t.study_id = me.study_id AND t.trial_id != ?1 "
        "AND (" +
            value_as_loss("s", "t.value") + " < " + value_as_loss("s", "me.value") +
            " OR (t.value = me.value AND t.number < me.number))",
        {r.trial_id});
    if (better.next() && better.int64(0) > 0) return false;
    sql::Rows old = db_->query(
        "SELECT w.trial_id, w.path FROM weights w JOIN trials t USING (trial_id) "
        "WHERE w.reason = 'best' AND w.trial_id != ?1 "
        "AND t.study_id = (SELECT study_id FROM trials WHERE trial_id = ?1)",
        {r.trial_id});
    while (old.next()) replaced.push_back(connection_->files_folder / old.text(1));
    db_->execute(
        "DELETE FROM weights WHERE reason = 'best' AND trial_id != ?1 AND trial_id IN "
        "(SELECT trial_id FROM trials WHERE study_id = "
        "(SELECT study_id FROM trials WHERE trial_id = ?1))",
        {r.trial_id});
  }
  sql::Params row = {r.trial_id,
                     std::filesystem::relative(r.file, connection_->files_folder).string(),
                     r.reason,
                     nlohmann::json(r.features).dump(),
                     nlohmann::json(r.targets).dump(),
                     utc_now()};
  if (pg) row.emplace_back(r.file_hex);
  db_->execute(
      std::string("INSERT INTO weights (trial_id, path, reason, features_json, targets_json, "
                  "saved_at") +
          (pg ? ", data) VALUES (?, ?, ?, ?, ?, ?, decode(?, 'hex'))"
              : ") VALUES (?, ?, ?, ?, ?, ?)") +
          " ON CONFLICT (trial_id) DO UPDATE SET path = excluded.path, "
          "reason = excluded.reason, features_json = excluded.features_json, "
          "targets_json = excluded.targets_json, saved_at = excluded.saved_at" +
          (pg ? ", data = excluded.data" : ""),
      row);
  return true;
}

void WeightsFiles::tidy(const Row& row, bool kept,
                        const std::vector<std::filesystem::path>& replaced) {
  std::error_code ec;
  if (!kept) {
    std::filesystem::remove(row.file, ec);
    return;
  }
  for (const auto& f : replaced)
    if (f != row.file) std::filesystem::remove(f, ec);
}

bool WeightsFiles::add_weights(std::int64_t trial_id, const std::filesystem::path& file,
                               const std::string& reason, const std::vector<std::string>& features,
                               const std::vector<std::string>& targets) {
  const Row row = row_for(trial_id, file, reason, features, targets);
  std::vector<std::filesystem::path> replaced;
  const bool kept = in_store(url_, [&] {
    return retrying([&] {
      sql::Transaction tx(*db_);
      if (!record(tx, row, replaced)) return false;
      tx.commit();
      return true;
    });
  });
  tidy(row, kept, replaced);
  return kept;
}

}  // namespace tunelab
