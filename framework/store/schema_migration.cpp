#include "store/schema_migration.h"

#include <fmt/format.h>

#include <set>

#include "common/errors.h"
#include "store/locations.h"
#include "store/schema.h"
#include "store/store.h"

namespace tunelab {

int schema_version(sql::Connection& db) {
  sql::Rows q = db.query("SELECT max(version) FROM schema_version");
  return q.next() && !q.is_null(0) ? q.integer(0) : 0;
}

void migrate(StoreConnection& store) {
  sql::Connection& db = *store.db;
  const bool pg = store.is_postgresql();
  sql::Transaction tx(db);
  // Workers starting together on a fresh PostgreSQL database would race to
  // create the same tables; one creates them while the others wait.
  if (pg) db.query("SELECT pg_advisory_xact_lock(7391052)");
  const bool fresh = !db.table_exists("schema_version");
  const std::string where = pg ? store.url : sqlite_path_from_url(store.url).string();
  if (!fresh) {
    const int version = schema_version(db);
    if (version > kSchemaVersion)
      throw InputError(
          fmt::format("{}: written by a newer tunelab (schema version {}, this one reads up to {})",
                      where, version, kSchemaVersion));
    if (version == kSchemaVersion) return;
  } else if (db.table_exists("studies")) {
    throw InputError(fmt::format("{}: {} database, but not a tunelab store", where,
                                 pg ? "a PostgreSQL" : "an SQLite"));
  }
  // Every statement is idempotent: a version 1 store gains the weights table
  // and the views, a version 2 store the worker columns, and both keep their
  // rows. (PostgreSQL stores begin at version 3.)
  // The views name trials.feasible (version 9): the column comes first.
  if (db.table_exists("trials") && !db.has_column("trials", "feasible"))
    db.execute_script("ALTER TABLE trials ADD COLUMN feasible INTEGER");
  db.execute_script(schema_sql(db.dialect()));
  if (!db.has_column("trials", "worker")) {
    db.execute_script("ALTER TABLE trials ADD COLUMN worker TEXT");
    db.execute_script("ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1");
  }
  if (!db.has_column("studies", "design_trials"))
    db.execute_script("ALTER TABLE studies ADD COLUMN design_trials INTEGER");
  if (!db.has_column("provenance", "blas"))
    db.execute_script("ALTER TABLE provenance ADD COLUMN blas TEXT NOT NULL DEFAULT ''");
  if (!db.has_column("trials", "interrupted")) {
    // Before version 4 an interrupted trial was told by its error's prefix.
    db.execute_script("ALTER TABLE trials ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0");
    db.execute("UPDATE trials SET interrupted = 1 WHERE error LIKE 'interrupted%'");
  }
  if (!db.has_column("studies", "direction"))
    db.execute_script(
        "ALTER TABLE studies ADD COLUMN direction TEXT NOT NULL DEFAULT 'minimize' CHECK "
        "(direction IN ('minimize', 'maximize'))");
  if (!db.has_column("trials", "proposed_by"))
    db.execute_script("ALTER TABLE trials ADD COLUMN proposed_by TEXT");
  refresh_views(db);
  db.execute("DELETE FROM schema_version");
  db.execute("INSERT INTO schema_version (version) VALUES (?)",
             {static_cast<std::int64_t>(kSchemaVersion)});
  tx.commit();
}

void refresh_views(sql::Connection& db) {
  std::set<std::string> names;
  sql::Rows q = db.query("SELECT config_json FROM studies");
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
  const std::string value = db.dialect() == sql::Dialect::postgresql
                                ? "p.value_json::jsonb"
                                : "coalesce(p.value_real, p.value_text, p.value_json)";
  std::string columns = kTrialSummaryColumns;
  for (const auto& name : names)
    columns += fmt::format(
        ",\n  (SELECT {} FROM trial_params p WHERE p.trial_id = t.trial_id AND p.name = {}) AS {}",
        value, sql_quoted(name, '\''), sql_quoted(name, '"'));
  db.execute_script("DROP VIEW IF EXISTS trial_summary");
  db.execute_script(fmt::format(
      "CREATE VIEW trial_summary AS\nSELECT {}\nFROM trials t JOIN studies s USING (study_id)",
      columns));
}

}  // namespace tunelab
