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
#include "store/schema_migration.h"
#include "store/sql/connection.h"
#include "store/store_connection.h"
#include "store/values.h"

namespace tunelab {
using namespace store_values;
using sql::Null;
using sql::optional_number;
using sql::optional_text;
namespace {

std::unique_ptr<sql::Connection> connect_postgresql(const std::string& url) {
  try {
    return sql::open_postgresql(url);
  } catch (const sql::Error& e) {
    throw InputError(fmt::format("{}: cannot connect: {}", shown_url(url), e.what()));
  }
}

// A store's connection with what an existing store must have: tunelab's
// schema, of a version this tunelab reads. `where` names it in messages.
void check_readable(StoreConnection& store, const std::string& where) {
  if (!store.db->table_exists("schema_version")) {
    if (store.is_postgresql())
      throw InputError(fmt::format(
          "{}: no tunelab results store in this database (tunelab run creates one)", where));
    // The schema is written in one transaction, so a run killed while it
    // made the store leaves an SQLite file with no table at all.
    sql::Rows tables = store.db->query("SELECT count(*) FROM sqlite_master");
    if (tables.next() && tables.integer(0) == 0)
      throw InputError(fmt::format(
          "{}: an empty database, with no study in it (a run stopped while it made the store "
          "leaves one; tunelab run --storage {} creates the store in it)",
          where, where));
    throw InputError(fmt::format("{}: not a tunelab results store", where));
  }
  const int version = schema_version(*store.db);
  if (version > kSchemaVersion)
    throw InputError(
        fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                    where, version, kSchemaVersion));
}

}  // namespace

std::string sql_quoted(const std::string& text, char quote) {
  std::string out(1, quote);
  for (const char c : text) out += c == quote ? std::string(2, c) : std::string(1, c);
  return out + quote;
}

Store::Store(std::shared_ptr<StoreConnection> connection)
    : StudyQueries(connection),
      queue_(connection),
      weights_files_(connection),
      ensembles_(connection) {}

Store::~Store() = default;

std::unique_ptr<Store> Store::open(const std::string& url) {
  if (is_postgresql_url(url)) {
    return in_store(shown_url(url), [&] {
      auto connection = std::make_shared<StoreConnection>(url, connect_postgresql(url));
      migrate(*connection);
      return std::unique_ptr<Store>(new Store(connection));
    });
  }
  const std::filesystem::path path = sqlite_path_from_url(url);
  if (path.empty())
    throw StoreLocationError(StoreLocationError::Problem::malformed,
                             fmt::format("{}: no file named", url));
  std::error_code ec;
  const auto folder = std::filesystem::absolute(path).parent_path();
  if (url == kDefaultStorage) std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder, ec))
    throw InputError(
        fmt::format("{}: the folder {} does not exist", path.string(), folder.string()));
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: is a directory, not a results store", path.string()));
  try {
    auto connection =
        std::make_shared<StoreConnection>(url, sql::open_sqlite(path.string(), false));
    migrate(*connection);
    return std::unique_ptr<Store>(new Store(connection));
  } catch (const sql::Error& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

std::unique_ptr<StudyQueries> Store::open_existing(const std::string& url) {
  if (is_postgresql_url(url)) {
    return in_store(shown_url(url), [&] {
      auto connection = std::make_shared<StoreConnection>(url, connect_postgresql(url));
      check_readable(*connection, connection->url);
      return std::make_unique<StudyQueries>(connection);
    });
  }
  const std::filesystem::path path = sqlite_path_from_url(url);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    throw StoreLocationError(
        StoreLocationError::Problem::no_store,
        fmt::format("{}: no results store there", path.empty() ? url : path.string()));
  try {
    auto connection = std::make_shared<StoreConnection>(url, sql::open_sqlite(path.string(), true));
    check_readable(*connection, path.string());
    return std::make_unique<StudyQueries>(connection);
  } catch (const sql::Error& e) {
    throw InputError(
        fmt::format("{}: cannot open as a results store: {}", path.string(), e.what()));
  }
}

std::optional<StudyInfo> Store::find_study(const std::string& name) {
  const auto facts = in_store(url_, [&]() -> std::optional<std::pair<std::string, int>> {
    sql::Rows q = db_->query(
        "SELECT config_hash, coalesce(design_trials, trials_wanted) FROM studies WHERE name = ?",
        {name});
    if (!q.next()) return std::nullopt;
    return std::make_pair(q.text(0), q.integer(1));
  });
  if (!facts) return std::nullopt;
  StudyInfo info = study(name);
  info.config_hash = facts->first;
  info.design_trials = facts->second;
  return info;
}

StudyInfo Store::create_study(const NewStudy& s, const std::vector<WarmStartTrial>& warm_start) {
  const std::string document = s.document.dump();
  in_store(url_, [&] {
    retrying([&] {
      sql::Transaction tx(*db_);
      sql::Rows q = db_->query(
          "INSERT INTO studies (name, seed, metric, trials_wanted, config_json, document_json, "
          "config_hash, experiment_file, created_at, design_trials, direction) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?4, ?) ON CONFLICT (name) DO NOTHING "
          "RETURNING study_id",
          {s.name, static_cast<std::int64_t>(s.seed), s.metric(),
           static_cast<std::int64_t>(s.trials_wanted), s.config.dump(), document,
           fingerprint(document), s.experiment_file, utc_now(), to_string(s.direction())});
      // Another process created the name between our look and this insert.
      if (!q.next())
        throw StudyNameTaken(fmt::format(
            "study '{}' was created in {} by another run a moment ago: --resume works on it "
            "with that run, --study NAME starts another",
            s.name, url_));
      const std::int64_t study_id = q.int64(0);
      const std::vector<Objective>& objectives = s.objectives;
      for (std::size_t i = 0; i < objectives.size(); ++i)
        db_->execute(
            "INSERT INTO study_objectives (study_id, objective, metric, direction) "
            "VALUES (?, ?, ?, ?)",
            {study_id, static_cast<std::int64_t>(i), objectives[i].metric,
             to_string(objectives[i].direction)});
      for (std::size_t i = 0; i < warm_start.size(); ++i) {
        const WarmStartTrial& t = warm_start[i];
        sql::Params row;
        row.emplace_back(study_id);
        row.emplace_back(static_cast<std::int64_t>(i));
        row.emplace_back(t.source_study);
        row.emplace_back(t.source_storage);
        row.emplace_back(static_cast<std::int64_t>(t.source_number));
        row.emplace_back(to_string(t.state));
        row.push_back(optional_number(t.value, !std::isnan(t.value)));
        row.emplace_back(nlohmann::json(t.params).dump());
        row.emplace_back(nlohmann::json(t.values).dump());
        db_->execute(
            "INSERT INTO warm_start_trials (study_id, position, source_study, source_storage, "
            "source_number, state, value, params_json, values_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row);
      }
      refresh_views(*db_);
      tx.commit();
    });
  });
  return *find_study(s.name);
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

void Store::set_trials_wanted(std::int64_t study_id, int trials) {
  in_store(url_, [&] {
    retrying([&] {
      return db_->execute("UPDATE studies SET trials_wanted = ? WHERE study_id = ?",
                          {static_cast<std::int64_t>(trials), study_id});
    });
  });
}

void Store::delete_study(std::int64_t study_id) {
  in_store(url_, [&] {
    retrying([&] {
      sql::Transaction tx(*db_);
      // Every table under studies cascades from it.
      const auto removed = db_->execute("DELETE FROM studies WHERE study_id = ?", {study_id});
      refresh_views(*db_);
      tx.commit();
      return removed;
    });
  });
  std::error_code ec;
  std::filesystem::remove_all(weights_files_.weights_folder(study_id), ec);
}

}  // namespace tunelab
