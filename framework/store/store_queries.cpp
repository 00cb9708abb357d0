// The store's read side: what `tunelab studies`, `trials`, `best`, `show`,
// `compare`, `export`, `rerun` and `predict` read. Only base tables are read,
// so stores of every schema version answer alike.

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "common/errors.h"
#include "registry/near_matches.h"
#include "store/sqlite_values.h"
#include "store/store.h"

namespace tunelab {
using namespace store_values;
namespace {

std::string text_or_empty(const SQLite::Column& column) {
  return column.isNull() ? std::string() : column.getString();
}

// Seconds between two of the store's ISO 8601 UTC times.
double seconds_between(const std::string& from, const std::string& to) {
  const auto parse = [](const std::string& text) {
    std::tm tm{};
    double millis = 0;
    if (text.size() < 19 || !strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1.0;
    if (text.size() > 20 && text[19] == '.') millis = std::atof(text.c_str() + 20);
    return static_cast<double>(timegm(&tm)) + millis / 1000.0;
  };
  const double a = parse(from), b = parse(to);
  return a < 0 || b < 0 ? 0.0 : b - a;
}

constexpr const char* kStudyColumns =
    "SELECT s.study_id, s.name, s.seed, s.metric, s.trials_wanted, s.config_json, "
    "s.document_json, s.experiment_file, s.created_at, "
    "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'COMPLETE'), "
    "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'PRUNED'), "
    "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id AND t.state = 'FAIL'), "
    // Re-queued (WAITING) trials are running too, as far as a listing goes.
    "(SELECT count(*) FROM trials t WHERE t.study_id = s.study_id "
    "AND t.state IN ('RUNNING', 'WAITING')), "
    "(SELECT min(started_at) FROM trials t WHERE t.study_id = s.study_id), "
    "(SELECT max(finished_at) FROM trials t WHERE t.study_id = s.study_id) "
    "FROM studies s ";

}  // namespace

std::vector<StudyInfo> Store::studies() {
  std::vector<StudyInfo> out;
  SQLite::Statement q(*db_, std::string(kStudyColumns) + "ORDER BY s.created_at, s.study_id");
  while (q.executeStep()) {
    StudyInfo s;
    s.id = q.getColumn(0).getInt64();
    s.name = q.getColumn(1).getString();
    s.seed = static_cast<std::uint64_t>(q.getColumn(2).getInt64());
    s.metric = q.getColumn(3).getString();
    s.trials_wanted = q.getColumn(4).getInt();
    s.config = nlohmann::json::parse(q.getColumn(5).getString());
    s.document = nlohmann::json::parse(q.getColumn(6).getString());
    s.experiment_file = text_or_empty(q.getColumn(7));
    s.created_at = q.getColumn(8).getString();
    s.complete = q.getColumn(9).getInt();
    s.pruned = q.getColumn(10).getInt();
    s.failed = q.getColumn(11).getInt();
    s.running = q.getColumn(12).getInt();
    s.first_started = text_or_empty(q.getColumn(13));
    s.last_finished = text_or_empty(q.getColumn(14));
    s.wall_seconds = seconds_between(s.first_started, s.last_finished);
    out.push_back(std::move(s));
  }
  // The best trial, by the same rule as the best_trials view.
  SQLite::Statement best(
      *db_,
      "SELECT number, value FROM trials WHERE study_id = ? AND state = 'COMPLETE' "
      "AND typeof(value) IN ('real', 'integer') ORDER BY value, number LIMIT 1");
  for (auto& s : out) {
    best.bind(1, s.id);
    if (best.executeStep()) {
      s.best_number = best.getColumn(0).getInt();
      s.best_value = read_number(best.getColumn(1));
    }
    best.reset();
  }
  return out;
}

StudyInfo Store::study(const std::string& name) {
  std::vector<StudyInfo> all = studies();
  for (auto& s : all)
    if (s.name == name) return std::move(s);
  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  const auto near = near_matches(name, names);
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("no study '{}' in {}{}; {}", name, url_,
                               near.empty() ? "" : " (did you mean '" + near.front() + "'?)",
                               names.empty() ? "it holds no studies" : "its studies: " + known));
}

std::vector<TrialInfo> Store::trials(std::int64_t study_id) {
  std::vector<TrialInfo> out;
  // Before version 3 there were no workers.
  const bool has_workers = has_column("trials", "worker");
  SQLite::Statement q(
      *db_,
      fmt::format("SELECT trial_id, number, state, seed, params_json, value, train_loss, "
                  "val_loss, test_loss, best_epoch, epochs_run, device, started_at, finished_at, "
                  "duration_s, error, {} FROM trials WHERE study_id = ? ORDER BY number",
                  has_workers ? "worker, attempts" : "NULL, 1"));
  q.bind(1, study_id);
  while (q.executeStep()) {
    TrialInfo t;
    t.id = q.getColumn(0).getInt64();
    t.number = q.getColumn(1).getInt();
    t.state = state_from(q.getColumn(2).getString());
    t.seed = static_cast<std::uint64_t>(q.getColumn(3).getInt64());
    t.params = params_from(q.getColumn(4));
    t.value = read_number(q.getColumn(5));
    t.train_loss = read_number(q.getColumn(6));
    t.val_loss = read_number(q.getColumn(7));
    t.test_loss = read_number(q.getColumn(8));
    if (!q.getColumn(9).isNull()) t.best_epoch = q.getColumn(9).getInt();
    t.epochs_run = q.getColumn(10).isNull() ? 0 : q.getColumn(10).getInt();
    t.device = text_or_empty(q.getColumn(11));
    t.started_at = text_or_empty(q.getColumn(12));
    t.finished_at = text_or_empty(q.getColumn(13));
    t.duration_s = read_number(q.getColumn(14));
    t.error = text_or_empty(q.getColumn(15));
    t.worker = text_or_empty(q.getColumn(16));
    t.attempts = q.getColumn(17).getInt();
    out.push_back(std::move(t));
  }
  return out;
}

TrialInfo Store::trial(const StudyInfo& study, int number) {
  std::vector<TrialInfo> all = trials(study.id);
  for (auto& t : all)
    if (t.number == number) return std::move(t);
  throw InputError(fmt::format("study '{}' has no trial {}; {}", study.name, number,
                               all.empty() ? std::string("it has no trials yet")
                                           : fmt::format("its trials are numbered {} to {}",
                                                         all.front().number, all.back().number)));
}

std::vector<EpochRow> Store::epochs(std::int64_t trial_id) {
  std::vector<EpochRow> out;
  SQLite::Statement q(*db_,
                      "SELECT epoch, train_loss, val_loss, lr, seconds FROM epochs "
                      "WHERE trial_id = ? ORDER BY epoch");
  q.bind(1, trial_id);
  while (q.executeStep())
    out.push_back(EpochRow{q.getColumn(0).getInt(), read_number(q.getColumn(1)),
                           read_number(q.getColumn(2)), read_number(q.getColumn(3)),
                           read_number(q.getColumn(4))});
  return out;
}

std::vector<ProvenanceInfo> Store::provenance(std::int64_t study_id) {
  std::vector<ProvenanceInfo> out;
  // Before version 3 the BLAS was not recorded.
  const bool has_blas = has_column("provenance", "blas");
  SQLite::Statement q(
      *db_, fmt::format("SELECT tunelab_version, tunelab_commit, libtorch_version, device, host, "
                        "threads, dataset_digest, config_hash, recorded_at, provenance_id, {} "
                        "FROM provenance WHERE study_id = ? ORDER BY provenance_id",
                        has_blas ? "blas" : "''"));
  q.bind(1, study_id);
  while (q.executeStep()) {
    ProvenanceInfo p;
    p.tunelab_version = q.getColumn(0).getString();
    p.tunelab_commit = q.getColumn(1).getString();
    p.libtorch_version = q.getColumn(2).getString();
    p.device = q.getColumn(3).getString();
    p.host = q.getColumn(4).getString();
    p.threads = q.getColumn(5).getInt();
    p.dataset_digest = q.getColumn(6).getString();
    p.config_hash = q.getColumn(7).getString();
    p.recorded_at = q.getColumn(8).getString();
    p.id = q.getColumn(9).getInt64();
    p.blas = q.getColumn(10).getString();
    out.push_back(std::move(p));
  }
  if (!db_->tableExists("provenance_plugins")) return out;  // a version 1 store
  SQLite::Statement plugins(*db_,
                            "SELECT path, name, version, digest FROM provenance_plugins "
                            "WHERE provenance_id = ? ORDER BY rowid");
  for (auto& p : out) {
    plugins.bind(1, p.id);
    while (plugins.executeStep())
      p.plugins.push_back({plugins.getColumn(0).getString(), plugins.getColumn(1).getString(),
                           plugins.getColumn(2).getString(), plugins.getColumn(3).getString()});
    plugins.reset();
  }
  return out;
}

std::optional<WeightsInfo> Store::weights(std::int64_t trial_id) {
  if (!db_->tableExists("weights")) return std::nullopt;  // a version 1 store
  SQLite::Statement q(*db_,
                      "SELECT path, reason, features_json, targets_json FROM weights "
                      "WHERE trial_id = ?");
  q.bind(1, trial_id);
  if (!q.executeStep()) return std::nullopt;
  WeightsInfo w;
  w.file = std::filesystem::absolute(sqlite_path_from_url(url_)).parent_path() /
           q.getColumn(0).getString();
  w.reason = q.getColumn(1).getString();
  w.features = nlohmann::json::parse(q.getColumn(2).getString()).get<std::vector<std::string>>();
  w.targets = nlohmann::json::parse(q.getColumn(3).getString()).get<std::vector<std::string>>();
  return w;
}

}  // namespace tunelab
