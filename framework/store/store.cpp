#include "store/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <set>
#include <thread>

#include "common/errors.h"
#include "store/schema.h"
#include "store/sqlite_values.h"

namespace tunelab {
using namespace store_values;
namespace {

// A write that found the database locked for longer than the busy timeout
// (many workers finishing at once) is tried again after a growing pause
// rather than failing the trial: "database is locked" never reaches a user.
template <typename Write>
auto retrying(Write write) {
  for (int attempt = 0;; ++attempt) {
    try {
      return write();
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode() & 0xff;
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || attempt >= 20) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 20 << attempt)));
    }
  }
}

StudyRecord study_from(SQLite::Statement& q) {
  return StudyRecord{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getInt(), q.getColumn(4).getInt()};
}

}  // namespace

std::string sql_quoted(const std::string& text, char quote) {
  std::string out(1, quote);
  for (const char c : text) out += c == quote ? std::string(2, c) : std::string(1, c);
  return out + quote;
}

std::filesystem::path sqlite_path_from_url(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    throw InputError(
        fmt::format("--storage {}: PostgreSQL stores are not supported by this build; "
                    "use sqlite:///path.db",
                    url));
  const std::string prefix = "sqlite:///";
  if (url.rfind(prefix, 0) == 0)
    return url.substr(prefix.size()).empty() ? "" : url.substr(prefix.size());
  if (url.find("://") != std::string::npos)
    throw InputError(fmt::format("--storage {}: expected sqlite:///path/to.db", url));
  return url;
}

Store::Store(std::string url, std::unique_ptr<SQLite::Database> db)
    : url_(std::move(url)), db_(std::move(db)) {}

Store::~Store() = default;

std::unique_ptr<Store> Store::open(const std::string& url) {
  const std::filesystem::path path = sqlite_path_from_url(url);
  if (path.empty()) throw InputError(fmt::format("--storage {}: no file named", url));
  std::error_code ec;
  const auto folder = std::filesystem::absolute(path).parent_path();
  if (url == kDefaultStorage) std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder, ec))
    throw InputError(
        fmt::format("{}: the folder {} does not exist", path.string(), folder.string()));
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: is a directory, not a results store", path.string()));
  try {
    auto db = std::make_unique<SQLite::Database>(path.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db->exec("PRAGMA busy_timeout = 10000");
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA foreign_keys = ON");
    std::unique_ptr<Store> store(new Store(url, std::move(db)));
    store->migrate();
    return store;
  } catch (const SQLite::Exception& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

std::unique_ptr<Store> Store::open_existing(const std::string& url) {
  const std::filesystem::path path = sqlite_path_from_url(url);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    throw InputError(
        fmt::format("{}: no results store there (tunelab run creates one; --storage "
                    "names another)",
                    path.empty() ? url : path.string()));
  try {
    auto db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READONLY);
    db->exec("PRAGMA busy_timeout = 10000");
    std::unique_ptr<Store> store(new Store(url, std::move(db)));
    if (!store->db_->tableExists("schema_version"))
      throw InputError(fmt::format("{}: not a tunelab results store", path.string()));
    const int version = store->schema_version();
    if (version > kSchemaVersion)
      throw InputError(
          fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                      path.string(), version, kSchemaVersion));
    return store;
  } catch (const SQLite::Exception& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

int Store::schema_version() {
  SQLite::Statement q(*db_, "SELECT max(version) FROM schema_version");
  q.executeStep();
  return q.getColumn(0).isNull() ? 0 : q.getColumn(0).getInt();
}

void Store::migrate() {
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  const bool fresh = !db_->tableExists("schema_version");
  if (!fresh) {
    const int version = schema_version();
    if (version > kSchemaVersion)
      throw InputError(
          fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                      sqlite_path_from_url(url_).string(), version, kSchemaVersion));
    if (version == kSchemaVersion) return;
  } else if (db_->tableExists("studies")) {
    throw InputError(fmt::format("{}: an SQLite database, but not a tunelab store",
                                 sqlite_path_from_url(url_).string()));
  }
  // Every statement is idempotent: a version 1 store gains the weights table
  // and the views, a version 2 store the worker columns, and both keep their
  // rows.
  db_->exec(kSchemaSql);
  if (!has_column("trials", "worker")) {
    db_->exec("ALTER TABLE trials ADD COLUMN worker TEXT");
    db_->exec("ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1");
  }
  if (!has_column("studies", "design_trials"))
    db_->exec("ALTER TABLE studies ADD COLUMN design_trials INTEGER");
  if (!has_column("provenance", "blas"))
    db_->exec("ALTER TABLE provenance ADD COLUMN blas TEXT NOT NULL DEFAULT ''");
  refresh_views();
  db_->exec("DELETE FROM schema_version");
  SQLite::Statement insert(*db_, "INSERT INTO schema_version (version) VALUES (?)");
  insert.bind(1, kSchemaVersion);
  insert.exec();
  tx.commit();
}

bool Store::has_column(const std::string& table, const std::string& column) {
  SQLite::Statement q(*db_, "SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
  q.bind(1, table);
  q.bind(2, column);
  q.executeStep();
  return q.getColumn(0).getInt() > 0;
}

void Store::refresh_views() {
  std::set<std::string> names;
  SQLite::Statement q(*db_, "SELECT config_json FROM studies");
  while (q.executeStep()) {
    const auto config = nlohmann::json::parse(q.getColumn(0).getString(), nullptr, false);
    const auto space = config.is_object() ? config.value("search", nlohmann::json::object())
                                                .value("space", nlohmann::json::object())
                                          : nlohmann::json::object();
    for (const auto& [name, dimension] : space.items()) names.insert(name);
  }
  // Param names are user text inside SQL here, the one place names cannot be
  // bound: quoted as an identifier ("") and as a literal ('').
  std::string columns = kTrialSummaryColumns;
  for (const auto& name : names)
    columns += fmt::format(
        ",\n  (SELECT coalesce(p.value_real, p.value_text, p.value_json) FROM trial_params p "
        "WHERE p.trial_id = t.trial_id AND p.name = {}) AS {}",
        sql_quoted(name, '\''), sql_quoted(name, '"'));
  db_->exec("DROP VIEW IF EXISTS trial_summary");
  db_->exec(fmt::format(
      "CREATE VIEW trial_summary AS\nSELECT {}\nFROM trials t JOIN studies s USING (study_id)",
      columns));
}

std::optional<StudyRecord> Store::find_study(const std::string& name) {
  SQLite::Statement q(*db_,
                      "SELECT study_id, name, config_hash, trials_wanted, "
                      "coalesce(design_trials, trials_wanted) FROM studies WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return study_from(q);
}

StudyRecord Store::create_study(const NewStudy& s) {
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement q(
      *db_,
      "INSERT INTO studies (name, seed, metric, trials_wanted, config_json, document_json, "
      "config_hash, experiment_file, created_at, design_trials) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?4)");
  const std::string document = s.document.dump();
  q.bind(1, s.name);
  q.bind(2, static_cast<std::int64_t>(s.seed));
  q.bind(3, s.metric);
  q.bind(4, s.trials_wanted);
  q.bind(5, s.config.dump());
  q.bind(6, document);
  q.bind(7, fingerprint(document));
  q.bind(8, s.experiment_file);
  q.bind(9, utc_now());
  q.exec();
  const auto id = db_->getLastInsertRowid();
  refresh_views();
  tx.commit();
  return StudyRecord{id, s.name, fingerprint(document), s.trials_wanted, s.trials_wanted};
}

void Store::add_provenance(std::int64_t study_id, const Provenance& p) {
  SQLite::Statement q(
      *db_,
      "INSERT INTO provenance (study_id, tunelab_version, tunelab_commit, libtorch_version, "
      "device, host, threads, config_hash, dataset_digest, recorded_at, blas) "
      "SELECT ?, ?, ?, ?, ?, ?, ?, config_hash, ?, ?, ? FROM studies WHERE study_id = ?");
  q.bind(1, study_id);
  q.bind(2, p.tunelab_version);
  q.bind(3, p.tunelab_commit);
  q.bind(4, p.libtorch_version);
  q.bind(5, p.device);
  q.bind(6, p.host);
  q.bind(7, p.threads);
  q.bind(8, p.dataset_digest);
  q.bind(9, utc_now());
  q.bind(10, p.blas);
  q.bind(11, study_id);
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  q.exec();
  const auto provenance_id = db_->getLastInsertRowid();
  SQLite::Statement plugin(*db_,
                           "INSERT OR REPLACE INTO provenance_plugins (provenance_id, path, name, "
                           "version, digest) VALUES (?, ?, ?, ?, ?)");
  for (const auto& library : p.plugins) {
    plugin.bind(1, provenance_id);
    plugin.bind(2, library.path);
    plugin.bind(3, library.name);
    plugin.bind(4, library.version);
    plugin.bind(5, library.digest);
    plugin.exec();
    plugin.reset();
  }
  tx.commit();
}

int Store::fail_abandoned_trials(std::int64_t study_id, const std::string& reason) {
  SQLite::Statement q(*db_,
                      "UPDATE trials SET state = 'FAIL', error = ?, finished_at = ? "
                      "WHERE study_id = ? AND state = 'RUNNING' AND worker IS NULL");
  q.bind(1, reason);
  q.bind(2, utc_now());
  q.bind(3, study_id);
  return q.exec();
}

void Store::set_trials_wanted(std::int64_t study_id, int trials) {
  SQLite::Statement q(*db_, "UPDATE studies SET trials_wanted = ? WHERE study_id = ?");
  q.bind(1, trials);
  q.bind(2, study_id);
  retrying([&] { return q.exec(); });
}

Store::Progress Store::progress(std::int64_t study_id) {
  SQLite::Statement q(
      *db_,
      "SELECT count(*) FILTER (WHERE state IN ('COMPLETE', 'PRUNED') OR (state = 'FAIL' AND "
      "coalesce(error, '') NOT LIKE ?2 || '%')), "
      "count(*) FILTER (WHERE state IN ('RUNNING', 'WAITING')), "
      "coalesce(max(number) + 1, 0), "
      "min(number) FILTER (WHERE state IN ('RUNNING', 'WAITING')) "
      "FROM trials WHERE study_id = ?1");
  q.bind(1, study_id);
  q.bind(2, kInterruptedPrefix);
  q.executeStep();
  Progress p;
  p.counted = q.getColumn(0).getInt();
  p.active = q.getColumn(1).getInt();
  p.next_number = q.getColumn(2).getInt();
  if (!q.getColumn(3).isNull()) p.lowest_unfinished = q.getColumn(3).getInt();
  return p;
}

std::optional<std::int64_t> Store::claim_trial(std::int64_t study_id, int number,
                                               std::uint64_t seed, const Params& params,
                                               const std::string& device, const std::string& worker,
                                               int wanted) {
  return retrying([&]() -> std::optional<std::int64_t> {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const Progress now = progress(study_id);
    if (now.next_number != number || now.counted + now.active >= wanted) return std::nullopt;
    const std::int64_t trial_id = insert_trial(study_id, number, seed, params, device, worker);
    tx.commit();
    return trial_id;
  });
}

std::optional<Store::Claimed> Store::claim_waiting_trial(std::int64_t study_id,
                                                         const std::string& device,
                                                         const std::string& worker) {
  return retrying([&]() -> std::optional<Claimed> {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement q(*db_,
                        "SELECT trial_id, number, seed, params_json FROM trials "
                        "WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1");
    q.bind(1, study_id);
    if (!q.executeStep()) return std::nullopt;
    Claimed c;
    c.trial_id = q.getColumn(0).getInt64();
    c.number = q.getColumn(1).getInt();
    c.seed = static_cast<std::uint64_t>(q.getColumn(2).getInt64());
    c.params = params_from(q.getColumn(3));
    SQLite::Statement take(*db_,
                           "UPDATE trials SET state = 'RUNNING', worker = ?, device = ?, "
                           "started_at = ?, heartbeat_at = ?, error = NULL WHERE trial_id = ?");
    const std::string now = utc_now();
    take.bind(1, worker);
    take.bind(2, device);
    take.bind(3, now);
    take.bind(4, now);
    take.bind(5, c.trial_id);
    take.exec();
    tx.commit();
    return c;
  });
}

void Store::heartbeat(std::int64_t trial_id) {
  SQLite::Statement q(
      *db_, "UPDATE trials SET heartbeat_at = ? WHERE trial_id = ? AND state = 'RUNNING'");
  q.bind(1, utc_now());
  q.bind(2, trial_id);
  retrying([&] { return q.exec(); });
}

std::vector<Store::Running> Store::running_trials(std::int64_t study_id) {
  SQLite::Statement q(*db_,
                      "SELECT trial_id, number, coalesce(worker, ''), "
                      "(julianday(?) - julianday(coalesce(heartbeat_at, started_at))) * 86400, "
                      "attempts FROM trials WHERE study_id = ? AND state = 'RUNNING' "
                      "ORDER BY number");
  q.bind(1, utc_now());
  q.bind(2, study_id);
  std::vector<Running> out;
  while (q.executeStep())
    out.push_back(Running{q.getColumn(0).getInt64(), q.getColumn(1).getInt(),
                          q.getColumn(2).getString(), q.getColumn(3).getDouble(),
                          q.getColumn(4).getInt()});
  return out;
}

bool Store::release_lost_trial(const Running& trial, bool requeue, const std::string& reason) {
  SQLite::Statement q(
      *db_, requeue ? "UPDATE trials SET state = 'WAITING', attempts = attempts + 1, "
                      "worker = NULL, error = ?1 WHERE trial_id = ?2 AND state = 'RUNNING' "
                      "AND coalesce(worker, '') = ?3"
                    : "UPDATE trials SET state = 'FAIL', error = ?1, finished_at = ?4 "
                      "WHERE trial_id = ?2 AND state = 'RUNNING' AND coalesce(worker, '') = ?3");
  q.bind(1, reason);
  q.bind(2, trial.trial_id);
  q.bind(3, trial.worker);
  if (!requeue) q.bind(4, utc_now());
  return retrying([&] { return q.exec(); }) == 1;
}

std::vector<FinishedTrial> Store::finished_trials(std::int64_t study_id) {
  std::vector<FinishedTrial> out;
  std::map<std::int64_t, std::size_t> index;
  SQLite::Statement q(
      *db_,
      "SELECT trial_id, number, state, params_json, value FROM trials "
      "WHERE study_id = ? AND state IN ('COMPLETE', 'PRUNED', 'FAIL') ORDER BY number");
  q.bind(1, study_id);
  while (q.executeStep()) {
    FinishedTrial t;
    t.number = q.getColumn(1).getInt();
    t.state = state_from(q.getColumn(2).getString());
    t.params = params_from(q.getColumn(3));
    t.value = read_number(q.getColumn(4));
    index[q.getColumn(0).getInt64()] = out.size();
    out.push_back(std::move(t));
  }
  SQLite::Statement curves(
      *db_,
      "SELECT e.trial_id, e.val_loss FROM epochs e JOIN trials t USING (trial_id) "
      "WHERE t.study_id = ? ORDER BY e.trial_id, e.epoch");
  curves.bind(1, study_id);
  while (curves.executeStep()) {
    const auto it = index.find(curves.getColumn(0).getInt64());
    if (it != index.end()) out[it->second].val_losses.push_back(read_number(curves.getColumn(1)));
  }
  return out;
}

int Store::counted_trials(std::int64_t study_id) {
  SQLite::Statement q(
      *db_,
      "SELECT count(*) FROM trials WHERE study_id = ? AND state IN ('COMPLETE', 'PRUNED', 'FAIL') "
      "AND NOT (state = 'FAIL' AND coalesce(error, '') LIKE ? || '%')");
  q.bind(1, study_id);
  q.bind(2, kInterruptedPrefix);
  q.executeStep();
  return q.getColumn(0).getInt();
}

int Store::next_trial_number(std::int64_t study_id) {
  SQLite::Statement q(*db_, "SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = ?");
  q.bind(1, study_id);
  q.executeStep();
  return q.getColumn(0).getInt();
}

std::int64_t Store::start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                const Params& params, const std::string& device) {
  return retrying([&] {
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t trial_id = insert_trial(study_id, number, seed, params, device, "");
    tx.commit();
    return trial_id;
  });
}

std::int64_t Store::insert_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                 const Params& params, const std::string& device,
                                 const std::string& worker) {
  SQLite::Statement q(
      *db_,
      "INSERT INTO trials (study_id, number, state, seed, params_json, device, started_at, "
      "heartbeat_at, worker) VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?)");
  const std::string now = utc_now();
  q.bind(1, study_id);
  q.bind(2, number);
  q.bind(3, static_cast<std::int64_t>(seed));
  q.bind(4, nlohmann::json(params).dump());
  q.bind(5, device);
  q.bind(6, now);
  q.bind(7, now);
  if (worker.empty())
    q.bind(8);
  else
    q.bind(8, worker);
  q.exec();
  const auto trial_id = db_->getLastInsertRowid();
  SQLite::Statement param(
      *db_,
      "INSERT OR REPLACE INTO trial_params (trial_id, name, value_json, value_real, value_text) "
      "VALUES (?, ?, ?, ?, ?)");
  for (const auto& [name, value] : params) {
    param.bind(1, trial_id);
    param.bind(2, name);
    param.bind(3, value.dump());
    if (value.is_number() || value.is_boolean())
      param.bind(4, value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>());
    else
      param.bind(4);
    if (value.is_string())
      param.bind(5, value.get<std::string>());
    else
      param.bind(5);
    param.exec();
    param.reset();
  }
  return trial_id;
}

void Store::finish_trial(std::int64_t trial_id, const TrialOutcome& o) {
  retrying([&] { write_outcome(trial_id, o); });
}

void Store::write_outcome(std::int64_t trial_id, const TrialOutcome& o) {
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement epoch(
      *db_,
      "INSERT OR REPLACE INTO epochs (trial_id, epoch, train_loss, val_loss, lr, seconds) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& e : o.epochs) {
    epoch.bind(1, trial_id);
    epoch.bind(2, e.epoch);
    bind_number(epoch, 3, e.train_loss);
    // No validation split: NULL, not NaN.
    bind_optional(epoch, 4, e.val_loss, !std::isnan(e.val_loss));
    bind_number(epoch, 5, e.lr);
    epoch.bind(6, e.seconds);
    epoch.exec();
    epoch.reset();
  }
  SQLite::Statement q(
      *db_,
      "UPDATE trials SET state = ?, value = ?, train_loss = ?, val_loss = ?, test_loss = ?, "
      "best_epoch = ?, epochs_run = ?, finished_at = ?, duration_s = ?, error = ? "
      "WHERE trial_id = ?");
  const bool ran = !o.epochs.empty();
  q.bind(1, to_string(o.state));
  bind_optional(q, 2, o.value, o.state != TrialState::fail || !std::isnan(o.value));
  bind_optional(q, 3, o.train_loss, ran);
  bind_optional(q, 4, o.val_loss, ran && !std::isnan(o.val_loss));
  bind_optional(q, 5, o.test_loss, ran && !std::isnan(o.test_loss));
  if (ran && o.best_epoch > 0)
    q.bind(6, o.best_epoch);
  else
    q.bind(6);
  q.bind(7, static_cast<int>(o.epochs.size()));
  q.bind(8, utc_now());
  q.bind(9, o.duration_s);
  if (o.error.empty())
    q.bind(10);
  else
    q.bind(10, o.error);
  q.bind(11, trial_id);
  q.exec();
  tx.commit();
}

}  // namespace tunelab

namespace tunelab {

std::filesystem::path Store::weights_folder(std::int64_t study_id) const {
  const auto db = std::filesystem::absolute(sqlite_path_from_url(url_));
  // By id, not name: study names are free text.
  return db.parent_path() / (db.stem().string() + ".weights") / fmt::format("study-{}", study_id);
}

bool Store::add_weights(std::int64_t trial_id, const std::filesystem::path& file,
                        const std::string& reason, const std::vector<std::string>& features,
                        const std::vector<std::string>& targets) {
  const auto folder = std::filesystem::absolute(sqlite_path_from_url(url_)).parent_path();
  std::vector<std::filesystem::path> replaced;
  SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  if (reason == "best") {
    // Another worker's better trial may have finished in the meantime.
    SQLite::Statement better(
        *db_,
        "SELECT count(*) FROM weights w JOIN trials t USING (trial_id) "
        "JOIN trials me ON me.trial_id = ?1 "
        "WHERE w.reason = 'best' AND t.study_id = me.study_id AND t.trial_id != ?1 "
        "AND (t.value < me.value OR (t.value = me.value AND t.number < me.number))");
    better.bind(1, trial_id);
    better.executeStep();
    if (better.getColumn(0).getInt() > 0) {
      std::error_code ec;  // the transaction rolls back as it goes out of scope
      std::filesystem::remove(file, ec);
      return false;
    }
    SQLite::Statement old(*db_,
                          "SELECT w.trial_id, w.path FROM weights w JOIN trials t USING (trial_id) "
                          "WHERE w.reason = 'best' AND w.trial_id != ?1 "
                          "AND t.study_id = (SELECT study_id FROM trials WHERE trial_id = ?1)");
    old.bind(1, trial_id);
    while (old.executeStep()) replaced.push_back(folder / old.getColumn(1).getString());
    SQLite::Statement drop(
        *db_,
        "DELETE FROM weights WHERE reason = 'best' AND trial_id != ?1 AND trial_id IN "
        "(SELECT trial_id FROM trials WHERE study_id = "
        "(SELECT study_id FROM trials WHERE trial_id = ?1))");
    drop.bind(1, trial_id);
    drop.exec();
  }
  SQLite::Statement q(
      *db_,
      "INSERT OR REPLACE INTO weights (trial_id, path, reason, features_json, targets_json, "
      "saved_at) VALUES (?, ?, ?, ?, ?, ?)");
  q.bind(1, trial_id);
  q.bind(2, std::filesystem::relative(file, folder).string());
  q.bind(3, reason);
  q.bind(4, nlohmann::json(features).dump());
  q.bind(5, nlohmann::json(targets).dump());
  q.bind(6, store_values::utc_now());
  q.exec();
  tx.commit();
  // After the commit: a crash in between leaves a stray file, never a row
  // without its file.
  std::error_code ec;
  for (const auto& f : replaced)
    if (f != file) std::filesystem::remove(f, ec);
  return true;
}

}  // namespace tunelab
