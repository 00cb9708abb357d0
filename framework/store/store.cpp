#include "store/store.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "common/errors.h"
#include "store/schema.h"
#include "store/sql/connection.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;
using sql::Null;
using sql::optional_number;
using sql::optional_text;
namespace {

// A write that found the database locked for longer than the busy timeout
// (many workers finishing at once), or that collided with another worker's
// transaction on PostgreSQL, is tried again after a growing pause rather
// than failing the trial: "database is locked" never reaches a user.
template <typename Write>
auto retrying(Write write) {
  for (int attempt = 0;; ++attempt) {
    try {
      return write();
    } catch (const sql::Error& e) {
      if (!e.transient() || attempt >= 20) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 20 << attempt)));
    }
  }
}

StudyRecord study_from(const sql::Rows& q) {
  return StudyRecord{q.int64(0), q.text(1), q.text(2), q.integer(3), q.integer(4)};
}

// SQL for "now" by the database's clock, as the store writes times.
std::string database_clock(sql::Dialect dialect) {
  // The server's clock on PostgreSQL: one clock for workers on every
  // machine, so that their own clocks' skew never makes a live worker look
  // silent. SQLite's is this machine's, which all its workers share.
  return dialect == sql::Dialect::postgresql
             ? "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
             : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

}  // namespace

std::string sql_quoted(const std::string& text, char quote) {
  std::string out(1, quote);
  for (const char c : text) out += c == quote ? std::string(2, c) : std::string(1, c);
  return out + quote;
}

bool is_postgresql_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string shown_url(const std::string& given) {
  if (!is_postgresql_url(given)) return given;
  // A password given as a parameter (?password=...) goes first.
  std::string url = given;
  for (auto at = url.find("password="); at != std::string::npos; at = url.find("password=")) {
    if (at == 0 || (url[at - 1] != '?' && url[at - 1] != '&')) break;
    const auto end = url.find('&', at);
    url.erase(at - 1, end == std::string::npos ? std::string::npos : end - at + 1);
    if (url[at - 1] == '&' && url.find('?') == std::string::npos) url[at - 1] = '?';
  }
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  const auto slash = url.find('/', scheme_end);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  const auto colon = url.find(':', scheme_end);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + url.substr(at);
}

std::filesystem::path sqlite_path_from_url(const std::string& url) {
  if (is_postgresql_url(url))
    throw InputError(
        fmt::format("--storage {}: a PostgreSQL store, not an SQLite file", shown_url(url)));
  const std::string prefix = "sqlite:///";
  if (url.rfind(prefix, 0) == 0)
    return url.substr(prefix.size()).empty() ? "" : url.substr(prefix.size());
  if (url.find("://") != std::string::npos)
    throw InputError(fmt::format(
        "--storage {}: expected sqlite:///path/to.db or postgresql://host/database", url));
  return url;
}

namespace {

// Weights files live in a folder named after the database file, beside it.
std::filesystem::path sqlite_weights_folder(const std::filesystem::path& file) {
  const auto absolute = std::filesystem::absolute(file);
  return absolute.parent_path() / (absolute.stem().string() + ".weights");
}

}  // namespace

Store::Store(std::string url, std::unique_ptr<sql::Connection> db)
    : connect_url_(url), url_(shown_url(url)), db_(std::move(db)) {
  if (is_postgresql()) {
    sql::Rows name = db_->query("SELECT current_database()");
    name.next();
    files_folder_ = std::filesystem::absolute("results");
    weights_name_ = name.text(0) + ".weights";
  } else {
    const auto weights = sqlite_weights_folder(sqlite_path_from_url(url_));
    files_folder_ = weights.parent_path();
    weights_name_ = weights.filename().string();
  }
}

Store::~Store() = default;

bool Store::is_postgresql() const { return db_->dialect() == sql::Dialect::postgresql; }

namespace {

std::unique_ptr<sql::Connection> connect_postgresql(const std::string& url) {
  try {
    return sql::open_postgresql(url);
  } catch (const sql::Error& e) {
    throw InputError(fmt::format("{}: cannot connect: {}", shown_url(url), e.what()));
  }
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string& url) {
  if (is_postgresql_url(url)) {
    auto store = in_store(shown_url(url), [&] {
      std::unique_ptr<Store> opened(new Store(url, connect_postgresql(url)));
      opened->migrate();
      return opened;
    });
    return store;
  }
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
    std::unique_ptr<Store> store(new Store(url, sql::open_sqlite(path.string(), false)));
    store->migrate();
    return store;
  } catch (const sql::Error& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

std::unique_ptr<Store> Store::open_existing(const std::string& url) {
  if (is_postgresql_url(url)) {
    auto store = in_store(shown_url(url), [&] {
      return std::unique_ptr<Store>(new Store(url, connect_postgresql(url)));
    });
    in_store(store->url_, [&] {
      if (!store->db_->table_exists("schema_version"))
        throw InputError(
            fmt::format("{}: no tunelab results store in this database (tunelab run "
                        "creates one)",
                        store->url_));
      const int version = store->schema_version();
      if (version > kSchemaVersion)
        throw InputError(fmt::format(
            "{}: written by a newer tunelab (schema version {}, this one reads up to {})",
            store->url_, version, kSchemaVersion));
    });
    return store;
  }
  const std::filesystem::path path = sqlite_path_from_url(url);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    throw InputError(
        fmt::format("{}: no results store there (tunelab run creates one; --storage "
                    "names another)",
                    path.empty() ? url : path.string()));
  try {
    std::unique_ptr<Store> store(new Store(url, sql::open_sqlite(path.string(), true)));
    if (!store->db_->table_exists("schema_version"))
      throw InputError(fmt::format("{}: not a tunelab results store", path.string()));
    const int version = store->schema_version();
    if (version > kSchemaVersion)
      throw InputError(
          fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                      path.string(), version, kSchemaVersion));
    return store;
  } catch (const sql::Error& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

int Store::schema_version() {
  sql::Rows q = db_->query("SELECT max(version) FROM schema_version");
  return q.next() && !q.is_null(0) ? q.integer(0) : 0;
}

void Store::migrate() {
  const bool pg = is_postgresql();
  sql::Transaction tx(*db_);
  // Workers starting together on a fresh PostgreSQL database would race to
  // create the same tables; one creates them while the others wait.
  if (pg) db_->query("SELECT pg_advisory_xact_lock(7391052)");
  const bool fresh = !db_->table_exists("schema_version");
  const std::string where = pg ? url_ : sqlite_path_from_url(url_).string();
  if (!fresh) {
    const int version = schema_version();
    if (version > kSchemaVersion)
      throw InputError(
          fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                      where, version, kSchemaVersion));
    if (version == kSchemaVersion) return;
  } else if (db_->table_exists("studies")) {
    throw InputError(fmt::format("{}: {} database, but not a tunelab store", where,
                                 pg ? "a PostgreSQL" : "an SQLite"));
  }
  // Every statement is idempotent: a version 1 store gains the weights table
  // and the views, a version 2 store the worker columns, and both keep their
  // rows. (PostgreSQL stores begin at version 3.)
  db_->execute_script(schema_sql(db_->dialect()));
  if (!db_->has_column("trials", "worker")) {
    db_->execute_script("ALTER TABLE trials ADD COLUMN worker TEXT");
    db_->execute_script("ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1");
  }
  if (!db_->has_column("studies", "design_trials"))
    db_->execute_script("ALTER TABLE studies ADD COLUMN design_trials INTEGER");
  if (!db_->has_column("provenance", "blas"))
    db_->execute_script("ALTER TABLE provenance ADD COLUMN blas TEXT NOT NULL DEFAULT ''");
  if (!db_->has_column("trials", "interrupted")) {
    // Before version 4 an interrupted trial was told by its error's prefix.
    db_->execute_script("ALTER TABLE trials ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0");
    db_->execute("UPDATE trials SET interrupted = 1 WHERE error LIKE 'interrupted%'");
  }
  refresh_views();
  db_->execute("DELETE FROM schema_version");
  db_->execute("INSERT INTO schema_version (version) VALUES (?)",
               {static_cast<std::int64_t>(kSchemaVersion)});
  tx.commit();
}

void Store::refresh_views() {
  std::set<std::string> names;
  sql::Rows q = db_->query("SELECT config_json FROM studies");
  while (q.next()) {
    const auto config = nlohmann::json::parse(q.text(0), nullptr, false);
    const auto space = config.is_object() ? config.value("search", nlohmann::json::object())
                                                .value("space", nlohmann::json::object())
                                          : nlohmann::json::object();
    for (const auto& [name, dimension] : space.items()) names.insert(name);
  }
  // Param names are user text inside SQL here, the one place names cannot be
  // bound: quoted as an identifier ("") and as a literal (''). PostgreSQL's
  // columns are jsonb, which sorts numbers as numbers and casts to float8.
  const std::string value = is_postgresql() ? "p.value_json::jsonb"
                                            : "coalesce(p.value_real, p.value_text, p.value_json)";
  std::string columns = kTrialSummaryColumns;
  for (const auto& name : names)
    columns += fmt::format(
        ",\n  (SELECT {} FROM trial_params p WHERE p.trial_id = t.trial_id AND p.name = {}) AS {}",
        value, sql_quoted(name, '\''), sql_quoted(name, '"'));
  db_->execute_script("DROP VIEW IF EXISTS trial_summary");
  db_->execute_script(fmt::format(
      "CREATE VIEW trial_summary AS\nSELECT {}\nFROM trials t JOIN studies s USING (study_id)",
      columns));
}

std::optional<StudyRecord> Store::find_study(const std::string& name) {
  return in_store(url_, [&]() -> std::optional<StudyRecord> {
    sql::Rows q = db_->query(
        "SELECT study_id, name, config_hash, trials_wanted, "
        "coalesce(design_trials, trials_wanted) FROM studies WHERE name = ?",
        {name});
    if (!q.next()) return std::nullopt;
    return study_from(q);
  });
}

StudyRecord Store::create_study(const NewStudy& s) {
  const std::string document = s.document.dump();
  return in_store(url_, [&] {
    return retrying([&] {
      sql::Transaction tx(*db_);
      sql::Rows q = db_->query(
          "INSERT INTO studies (name, seed, metric, trials_wanted, config_json, document_json, "
          "config_hash, experiment_file, created_at, design_trials) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?4) RETURNING study_id",
          {s.name, static_cast<std::int64_t>(s.seed), s.metric,
           static_cast<std::int64_t>(s.trials_wanted), s.config.dump(), document,
           fingerprint(document), s.experiment_file, utc_now()});
      q.next();
      const auto id = q.int64(0);
      refresh_views();
      tx.commit();
      return StudyRecord{id, s.name, fingerprint(document), s.trials_wanted, s.trials_wanted};
    });
  });
}

void Store::add_provenance(std::int64_t study_id, const Provenance& p) {
  in_store(url_, [&] {
    retrying([&] {
      sql::Transaction tx(*db_);
      sql::Rows q = db_->query(
          "INSERT INTO provenance (study_id, tunelab_version, tunelab_commit, libtorch_version, "
          "device, host, threads, config_hash, dataset_digest, recorded_at, blas) "
          "VALUES (?1, ?, ?, ?, ?, ?, ?, (SELECT config_hash FROM studies WHERE study_id = ?1), "
          "?, ?, ?) RETURNING provenance_id",
          {study_id, p.tunelab_version, p.tunelab_commit, p.libtorch_version, p.device, p.host,
           static_cast<std::int64_t>(p.threads), p.dataset_digest, utc_now(), p.blas});
      q.next();
      const auto provenance_id = q.int64(0);
      for (const auto& library : p.plugins)
        db_->execute(
            "INSERT INTO provenance_plugins (provenance_id, path, name, version, digest) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (provenance_id, path) DO UPDATE SET "
            "name = excluded.name, version = excluded.version, digest = excluded.digest",
            {provenance_id, library.path, library.name, library.version, library.digest});
      tx.commit();
    });
  });
}

int Store::fail_abandoned_trials(std::int64_t study_id, const std::string& reason) {
  return in_store(url_, [&] {
    return retrying([&] {
      return db_->execute(
          "UPDATE trials SET state = 'FAIL', interrupted = 1, error = ?, finished_at = ? "
          "WHERE study_id = ? AND state = 'RUNNING' AND worker IS NULL",
          {reason, utc_now(), study_id});
    });
  });
}

void Store::set_trials_wanted(std::int64_t study_id, int trials) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute("UPDATE studies SET trials_wanted = ? WHERE study_id = ?",
                          {static_cast<std::int64_t>(trials), study_id});
    });
  });
}

Store::Progress Store::progress(std::int64_t study_id) {
  return in_store(url_, [&] {
    sql::Rows q = db_->query(
        "SELECT count(*) FILTER (WHERE state IN ('COMPLETE', 'PRUNED') OR (state = 'FAIL' AND "
        "interrupted = 0)), "
        "count(*) FILTER (WHERE state IN ('RUNNING', 'WAITING')), "
        "coalesce(max(number) + 1, 0), "
        "min(number) FILTER (WHERE state IN ('RUNNING', 'WAITING')) "
        "FROM trials WHERE study_id = ?1",
        {study_id});
    q.next();
    Progress p;
    p.counted = q.integer(0);
    p.active = q.integer(1);
    p.next_number = q.integer(2);
    if (!q.is_null(3)) p.lowest_unfinished = q.integer(3);
    return p;
  });
}

std::optional<std::int64_t> Store::claim_trial(std::int64_t study_id, int number,
                                               std::uint64_t seed, const Params& params,
                                               const std::string& device, const std::string& worker,
                                               int wanted) {
  return in_store(url_, [&] {
    return retrying([&]() -> std::optional<std::int64_t> {
      sql::Transaction tx(*db_);
      tx.lock_study(study_id);
      const Progress now = progress(study_id);
      if (now.next_number != number || now.counted + now.active >= wanted) return std::nullopt;
      const std::int64_t trial_id = insert_trial(study_id, number, seed, params, device, worker);
      tx.commit();
      return trial_id;
    });
  });
}

std::optional<Store::Claimed> Store::claim_waiting_trial(std::int64_t study_id,
                                                         const std::string& device,
                                                         const std::string& worker) {
  return in_store(url_, [&] {
    return retrying([&]() -> std::optional<Claimed> {
      sql::Transaction tx(*db_);
      // Two workers never take the same re-queued trial: on PostgreSQL the
      // second skips the row the first has locked.
      sql::Rows q = db_->query(
          std::string("SELECT trial_id, number, seed, params_json FROM trials "
                      "WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1") +
              (is_postgresql() ? " FOR UPDATE SKIP LOCKED" : ""),
          {study_id});
      if (!q.next()) return std::nullopt;
      Claimed c;
      c.trial_id = q.int64(0);
      c.number = q.integer(1);
      c.seed = static_cast<std::uint64_t>(q.int64(2));
      c.params = params_from(q.text(3));
      const std::string now = utc_now();
      db_->execute(
          "UPDATE trials SET state = 'RUNNING', worker = ?, device = ?, started_at = ?, "
          "heartbeat_at = " +
              database_clock(db_->dialect()) + ", error = NULL, interrupted = 0 WHERE trial_id = ?",
          {worker, device, now, c.trial_id});
      tx.commit();
      return c;
    });
  });
}

void Store::heartbeat(std::int64_t trial_id) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute("UPDATE trials SET heartbeat_at = " + database_clock(db_->dialect()) +
                              " WHERE trial_id = ? AND state = 'RUNNING'",
                          {trial_id});
    });
  });
}

std::vector<Store::Running> Store::running_trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    sql::Rows q = db_->query(
        "SELECT trial_id, number, coalesce(worker, ''), coalesce(heartbeat_at, started_at), "
        "attempts, " +
            database_clock(db_->dialect()) +
            " FROM trials WHERE study_id = ? AND state = 'RUNNING' ORDER BY number",
        {study_id});
    std::vector<Running> out;
    while (q.next())
      out.push_back(Running{q.int64(0), q.integer(1), q.text(2),
                            seconds_between(q.text(3), q.text(5)), q.integer(4)});
    return out;
  });
}

bool Store::release_lost_trial(const Running& trial, bool requeue, const std::string& reason) {
  return in_store(url_, [&] {
    const sql::Params params = {reason, trial.trial_id, trial.worker, utc_now()};
    return retrying([&] {
             return db_->execute(
                 requeue ? "UPDATE trials SET state = 'WAITING', attempts = attempts + 1, "
                           "worker = NULL, error = ?1 WHERE trial_id = ?2 AND state = 'RUNNING' "
                           "AND coalesce(worker, '') = ?3"
                         : "UPDATE trials SET state = 'FAIL', error = ?1, finished_at = ?4 "
                           "WHERE trial_id = ?2 AND state = 'RUNNING' "
                           "AND coalesce(worker, '') = ?3",
                 requeue ? sql::Params(params.begin(), params.begin() + 3) : params);
           }) == 1;
  });
}

void Store::delete_study(std::int64_t study_id) {
  in_store(url_, [&] {
    retrying([&] {
      sql::Transaction tx(*db_);
      // Every table under studies cascades from it.
      const auto removed = db_->execute("DELETE FROM studies WHERE study_id = ?", {study_id});
      refresh_views();
      tx.commit();
      return removed;
    });
  });
  std::error_code ec;
  std::filesystem::remove_all(weights_folder(study_id), ec);
}

void Store::requeue_interrupted_trial(std::int64_t trial_id, const std::string& reason) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute(
          "UPDATE trials SET state = 'WAITING', interrupted = 1, worker = NULL, error = ? "
          "WHERE trial_id = ? AND state = 'RUNNING'",
          {reason, trial_id});
    });
  });
}

std::vector<FinishedTrial> Store::finished_trials(std::int64_t study_id) {
  return in_store(url_, [&] {
    std::vector<FinishedTrial> out;
    std::map<std::int64_t, std::size_t> index;
    sql::Rows q = db_->query(
        "SELECT trial_id, number, state, params_json, value FROM trials "
        "WHERE study_id = ? AND state IN ('COMPLETE', 'PRUNED', 'FAIL') ORDER BY number",
        {study_id});
    while (q.next()) {
      FinishedTrial t;
      t.number = q.integer(1);
      t.state = state_from(q.text(2));
      t.params = params_from(q.text(3));
      t.value = q.number(4);
      index[q.int64(0)] = out.size();
      out.push_back(std::move(t));
    }
    sql::Rows curves = db_->query(
        "SELECT e.trial_id, e.val_loss FROM epochs e JOIN trials t USING (trial_id) "
        "WHERE t.study_id = ? ORDER BY e.trial_id, e.epoch",
        {study_id});
    while (curves.next()) {
      const auto it = index.find(curves.int64(0));
      if (it != index.end()) out[it->second].val_losses.push_back(curves.number(1));
    }
    return out;
  });
}

int Store::counted_trials(std::int64_t study_id) { return progress(study_id).counted; }

int Store::next_trial_number(std::int64_t study_id) { return progress(study_id).next_number; }

std::int64_t Store::start_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                const Params& params, const std::string& device) {
  return in_store(url_, [&] {
    return retrying([&] {
      sql::Transaction tx(*db_);
      const std::int64_t trial_id = insert_trial(study_id, number, seed, params, device, "");
      tx.commit();
      return trial_id;
    });
  });
}

std::int64_t Store::insert_trial(std::int64_t study_id, int number, std::uint64_t seed,
                                 const Params& params, const std::string& device,
                                 const std::string& worker) {
  const std::string now = utc_now();
  sql::Rows q = db_->query(
      "INSERT INTO trials (study_id, number, state, seed, params_json, device, started_at, "
      "heartbeat_at, worker) VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, " +
          database_clock(db_->dialect()) + ", ?) RETURNING trial_id",
      {study_id, static_cast<std::int64_t>(number), static_cast<std::int64_t>(seed),
       nlohmann::json(params).dump(), device, now, optional_text(worker)});
  q.next();
  const auto trial_id = q.int64(0);
  for (const auto& [name, value] : params) {
    const bool number_like = value.is_number() || value.is_boolean();
    const double real = !number_like         ? 0.0
                        : value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0)
                                             : value.get<double>();
    db_->execute(
        "INSERT INTO trial_params (trial_id, name, value_json, value_real, value_text) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (trial_id, name) DO UPDATE SET "
        "value_json = excluded.value_json, value_real = excluded.value_real, "
        "value_text = excluded.value_text",
        {trial_id, name, value.dump(), optional_number(real, number_like),
         value.is_string() ? sql::Value(value.get<std::string>()) : sql::Value(Null{})});
  }
  return trial_id;
}

void Store::finish_trial(std::int64_t trial_id, const TrialOutcome& o) {
  in_store(url_, [&] { retrying([&] { write_outcome(trial_id, o); }); });
}

void Store::write_outcome(std::int64_t trial_id, const TrialOutcome& o) {
  sql::Transaction tx(*db_);
  // Rows are pushed value by value: GCC 12 warns, wrongly, of an
  // uninitialised string in a braced list of them here.
  for (const auto& e : o.epochs) {
    sql::Params epoch;
    epoch.emplace_back(trial_id);
    epoch.emplace_back(static_cast<std::int64_t>(e.epoch));
    epoch.emplace_back(e.train_loss);
    epoch.push_back(optional_number(e.val_loss, !std::isnan(e.val_loss)));  // none: NULL
    epoch.emplace_back(e.lr);
    epoch.emplace_back(e.seconds);
    db_->execute(
        "INSERT INTO epochs (trial_id, epoch, train_loss, val_loss, lr, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, epoch) DO UPDATE SET "
        "train_loss = excluded.train_loss, val_loss = excluded.val_loss, lr = excluded.lr, "
        "seconds = excluded.seconds",
        epoch);
  }
  const bool ran = !o.epochs.empty();
  sql::Params row;
  row.emplace_back(to_string(o.state));
  row.push_back(optional_number(o.value, o.state != TrialState::fail || !std::isnan(o.value)));
  row.push_back(optional_number(o.train_loss, ran));
  row.push_back(optional_number(o.val_loss, ran && !std::isnan(o.val_loss)));
  row.push_back(optional_number(o.test_loss, ran && !std::isnan(o.test_loss)));
  row.push_back(ran && o.best_epoch > 0 ? sql::Value(static_cast<std::int64_t>(o.best_epoch))
                                        : sql::Value(Null{}));
  row.emplace_back(static_cast<std::int64_t>(o.epochs.size()));
  row.emplace_back(utc_now());
  row.emplace_back(o.duration_s);
  row.push_back(optional_text(o.error));
  row.emplace_back(trial_id);
  db_->execute(
      "UPDATE trials SET state = ?, value = ?, train_loss = ?, val_loss = ?, test_loss = ?, "
      "best_epoch = ?, epochs_run = ?, finished_at = ?, duration_s = ?, error = ? "
      "WHERE trial_id = ?",
      row);
  tx.commit();
}

std::filesystem::path Store::weights_folder(std::int64_t study_id) const {
  // By id, not name: study names are free text.
  return files_folder_ / weights_name_ / fmt::format("study-{}", study_id);
}

std::vector<std::filesystem::path> sqlite_store_files(const std::filesystem::path& file) {
  const auto absolute = std::filesystem::absolute(file);
  std::vector<std::filesystem::path> kept{sqlite_weights_folder(absolute)};
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    kept.push_back(absolute.string() + suffix);
  return kept;
}

std::vector<std::filesystem::path> Store::files() const {
  if (is_postgresql()) return {files_folder_ / weights_name_};
  return sqlite_store_files(sqlite_path_from_url(url_));
}

bool Store::add_weights(std::int64_t trial_id, const std::filesystem::path& file,
                        const std::string& reason, const std::vector<std::string>& features,
                        const std::vector<std::string>& targets) {
  std::vector<std::filesystem::path> replaced;
  // A PostgreSQL store keeps the bytes as well, for readers on other machines.
  const bool pg = is_postgresql();
  std::string file_hex;
  if (pg) {
    std::ifstream in(file, std::ios::binary);
    file_hex = hex_of(std::string(std::istreambuf_iterator<char>(in), {}));
    if (!in.good() && !in.eof())
      throw StoreError(fmt::format("{}: cannot read the weights file {}", url_, file.string()));
  }
  const bool kept = in_store(url_, [&] {
    return retrying([&] {
      replaced.clear();
      sql::Transaction tx(*db_);
      if (reason == "best") {
        sql::Rows study = db_->query("SELECT study_id FROM trials WHERE trial_id = ?", {trial_id});
        if (study.next()) tx.lock_study(study.int64(0));
        // Another worker's better trial may have finished in the meantime.
        sql::Rows better = db_->query(
            "SELECT count(*) FROM weights w JOIN trials t USING (trial_id) "
            "JOIN trials me ON me.trial_id = ?1 "
            "WHERE w.reason = 'best' AND t.study_id = me.study_id AND t.trial_id != ?1 "
            "AND (t.value < me.value OR (t.value = me.value AND t.number < me.number))",
            {trial_id});
        if (better.next() && better.int64(0) > 0) return false;
        sql::Rows old = db_->query(
            "SELECT w.trial_id, w.path FROM weights w JOIN trials t USING (trial_id) "
            "WHERE w.reason = 'best' AND w.trial_id != ?1 "
            "AND t.study_id = (SELECT study_id FROM trials WHERE trial_id = ?1)",
            {trial_id});
        while (old.next()) replaced.push_back(files_folder_ / old.text(1));
        db_->execute(
            "DELETE FROM weights WHERE reason = 'best' AND trial_id != ?1 AND trial_id IN "
            "(SELECT trial_id FROM trials WHERE study_id = "
            "(SELECT study_id FROM trials WHERE trial_id = ?1))",
            {trial_id});
      }
      sql::Params row = {trial_id,
                         std::filesystem::relative(file, files_folder_).string(),
                         reason,
                         nlohmann::json(features).dump(),
                         nlohmann::json(targets).dump(),
                         utc_now()};
      if (pg) row.emplace_back(file_hex);
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
      tx.commit();
      return true;
    });
  });
  std::error_code ec;
  if (!kept) {
    std::filesystem::remove(file, ec);
    return false;
  }
  // After the commit: a crash in between leaves a stray file, never a row
  // without its file.
  for (const auto& f : replaced)
    if (f != file) std::filesystem::remove(f, ec);
  return true;
}

}  // namespace tunelab
