#pragma once
// The results store's schema, as SQL. Documented in docs/store.md.

#include <string>

#include "store/sql/connection.h"

namespace tunelab {

// Bumped whenever the schema changes; a store with a higher version was
// written by a newer tunelab and is refused rather than misread.
inline constexpr int kSchemaVersion = 9;

// The tables and views, for SQLite or PostgreSQL (types and keys differ:
// {key}, {int64}, {real}, {weights_data}, {value_is_number} are filled in
// by schema_sql).
inline constexpr const char* kSchemaTemplate = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER NOT NULL
);

-- One row per study: a named experiment with its resolved configuration.
CREATE TABLE IF NOT EXISTS studies (
  study_id        {key},
  name            TEXT NOT NULL UNIQUE,
  seed            {int64} NOT NULL,            -- root seed
  metric          TEXT NOT NULL,               -- minimised: val_loss, test_loss or train_loss
  trials_wanted   INTEGER NOT NULL,            -- the trial budget (the latest run's)
  design_trials   INTEGER,                     -- the budget it was created with (since version 3)
  direction       TEXT NOT NULL DEFAULT 'minimize' CHECK (direction IN ('minimize', 'maximize')),  -- the metric's (since version 5)
  config_json     TEXT NOT NULL,               -- resolved configuration, defaults filled in
  document_json   TEXT NOT NULL,               -- the experiment file with --set applied
  config_hash     TEXT NOT NULL,               -- FNV-1a 64 of document_json
  experiment_file TEXT,
  created_at      TEXT NOT NULL                -- UTC, ISO 8601
);

-- Where and with what a study ran: one row per `tunelab run` (a resumed study
-- may run on another machine or build).
CREATE TABLE IF NOT EXISTS provenance (
  provenance_id    {key},
  study_id         {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  tunelab_version  TEXT NOT NULL,
  tunelab_commit   TEXT NOT NULL,
  libtorch_version TEXT NOT NULL,
  device           TEXT NOT NULL,
  host             TEXT NOT NULL,
  threads          INTEGER NOT NULL,            -- LibTorch intra-op threads
  blas             TEXT NOT NULL DEFAULT '',    -- the BLAS library loaded (since version 3)
  config_hash      TEXT NOT NULL,
  dataset_digest   TEXT NOT NULL,              -- FNV-1a 64 of the data set's values
  recorded_at      TEXT NOT NULL
);

-- The plugin libraries a `tunelab run` loaded (since schema version 2).
CREATE TABLE IF NOT EXISTS provenance_plugins (
  provenance_id {int64} NOT NULL REFERENCES provenance(provenance_id) ON DELETE CASCADE,
  path          TEXT NOT NULL,                 -- absolute, as loaded
  name          TEXT NOT NULL,
  version       TEXT NOT NULL,
  digest        TEXT NOT NULL,                 -- FNV-1a 64 of the file's bytes
  PRIMARY KEY (provenance_id, path)
);

-- One row per trial. Trial numbers count from 0 within a study.
CREATE TABLE IF NOT EXISTS trials (
  trial_id     {key},
  study_id     {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL')),
  seed         {int64} NOT NULL,               -- the trial's own seed (from root seed and number)
  params_json  TEXT NOT NULL,                  -- {"trainer.lr": 0.003, ...}
  value        {real},                           -- the study's metric (of the kept weights)
  train_loss   {real},                           -- of the kept epoch
  val_loss     {real},
  test_loss    {real},
  best_epoch   INTEGER,                        -- the epoch whose weights were kept
  epochs_run   INTEGER,
  device       TEXT,
  started_at   TEXT,
  finished_at  TEXT,
  duration_s   {real},
  heartbeat_at TEXT,                           -- the running worker's last sign of life
  error        TEXT,                           -- why a trial failed
  worker       TEXT,                           -- host:pid of the process running it (since version 3)
  attempts     INTEGER NOT NULL DEFAULT 1,     -- 2: re-queued once after its worker was lost
  interrupted  INTEGER NOT NULL DEFAULT 0,     -- 1: stopped from outside (Ctrl-C, a stopped tunelab); not counted (since version 4)
  proposed_by  TEXT,                           -- the sampler whose proposal it ran: under auto, the one auto chose (since version 6)
  feasible     INTEGER,                        -- a complete trial of a study with search.constraints: 1 kept them all, 0 broke one (never the best); else NULL (since version 9)
  UNIQUE (study_id, number)
);

-- Each trial's params, one row per param, for plain SQL (WHERE name = 'trainer.lr').
-- Written when the trial starts.
CREATE TABLE IF NOT EXISTS trial_params (
  trial_id    {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  name        TEXT NOT NULL,                   -- dotted path in the experiment file
  value_json  TEXT NOT NULL,
  value_real  {real},                            -- numbers (and booleans as 0/1)
  value_text  TEXT,                            -- texts (registry names)
  PRIMARY KEY (trial_id, name)
);

-- The kept model's metrics in the target's units (since schema version 5):
-- val_rmse, val_mae, val_r2, test_... for regression; val_accuracy,
-- val_logloss, val_auc, val_f1, test_... for classification.
CREATE TABLE IF NOT EXISTS trial_metrics (
  trial_id    {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  value       {real},                            -- NULL where it is not defined (AUC of one class)
  PRIMARY KEY (trial_id, name)
);

-- Per-epoch learning curves.
CREATE TABLE IF NOT EXISTS epochs (
  trial_id    {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  epoch       INTEGER NOT NULL,                -- from 1
  train_loss  {real},
  val_loss    {real},                            -- NULL without a validation split
  lr          {real},
  seconds     {real},
  PRIMARY KEY (trial_id, epoch)
);

-- Trained weights kept next to the store (the best trial of each study, and
-- any trial kept on request), with what `tunelab predict` needs to use them.
-- Since schema version 2.
CREATE TABLE IF NOT EXISTS weights (
  trial_id      {int64} PRIMARY KEY REFERENCES trials(trial_id) ON DELETE CASCADE,
  path          TEXT NOT NULL,                 -- relative to the store's folder
  reason        TEXT NOT NULL CHECK (reason IN ('best', 'requested')),
  features_json TEXT NOT NULL,                 -- input column names, in order
  targets_json  TEXT NOT NULL,                 -- output column names
  saved_at      TEXT NOT NULL{weights_data}
);

-- Configurations added to a study by `tunelab enqueue` (since schema version
-- 7): each is run by the study's next new trial, in the order added; the
-- params it leaves out come from the sampler.
CREATE TABLE IF NOT EXISTS enqueued (
  enqueued_id  {key},
  study_id     {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  params_json  TEXT NOT NULL,                  -- {"trainer.lr": 0.01, ...}
  enqueued_at  TEXT NOT NULL,
  trial_number INTEGER                         -- the trial that ran it; NULL while it waits
);

-- The trials of earlier studies a study's sampler took as history
-- (search.warm_start; since schema version 7), as they were when it was
-- created: not trials of the study, not counted in its budget.
CREATE TABLE IF NOT EXISTS warm_start_trials (
  study_id       {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,               -- the order the sampler sees them in
  source_study   TEXT NOT NULL,
  source_storage TEXT NOT NULL,                  -- '' for this store
  source_number  INTEGER NOT NULL,               -- the trial's number there
  state          TEXT NOT NULL CHECK (state IN ('COMPLETE', 'PRUNED', 'FAIL')),
  value          {real},
  params_json    TEXT NOT NULL,                  -- the params the two spaces share
  values_json    TEXT NOT NULL,                  -- each objective's value, [value] for one
  PRIMARY KEY (study_id, position)
);

-- What a study's trials are judged by (since schema version 7): one row, its
-- metric, or several (search.objectives), the first its metric again.
CREATE TABLE IF NOT EXISTS study_objectives (
  study_id   {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  objective  INTEGER NOT NULL,                   -- from 0, in the file's order
  metric     TEXT NOT NULL,
  direction  TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
  PRIMARY KEY (study_id, objective)
);

-- Each finished trial's value of each objective (since schema version 7).
CREATE TABLE IF NOT EXISTS trial_values (
  trial_id   {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  objective  INTEGER NOT NULL,
  value      {real},
  PRIMARY KEY (trial_id, objective)
);

-- Each complete trial's value of each of search.constraints, in the file's
-- order (since version 9), as Optuna's constraints_func gives them: at most 0
-- where the bound holds, above 0 by how much it is broken relative to the
-- bound's size; NULL where the metric has no value (a model too large, not
-- trained, has only n_params).
CREATE TABLE IF NOT EXISTS trial_constraints (
  trial_id    {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  constraint_index INTEGER NOT NULL,
  value       {real},
  PRIMARY KEY (trial_id, constraint_index)
);

-- Each complete trial's predictions (since schema version 8): on the
-- validation rows (under data.folds, each fold model's on the rows it did not
-- train on, fold after fold) and on the test rows, in the target's units (a
-- classifier's: each class's probability), with those rows' targets (a
-- classifier's: the class's index). Float32 little-endian bytes in
-- hexadecimal, row after row. What an ensemble of the study's trials is
-- chosen from and scored on.
CREATE TABLE IF NOT EXISTS trial_predictions (
  trial_id     {int64} NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  split        TEXT NOT NULL CHECK (split IN ('val', 'test')),
  n_rows       INTEGER NOT NULL,
  n_columns    INTEGER NOT NULL,
  values_hex   TEXT NOT NULL,
  targets_hex  TEXT NOT NULL,
  PRIMARY KEY (trial_id, split)
);

-- A study's ensemble of its trials (since schema version 8; one per study,
-- the latest built): how it was chosen, its members' weights (summing to
-- 1), and its metrics on the validation and test rows.
CREATE TABLE IF NOT EXISTS ensembles (
  study_id     {int64} PRIMARY KEY REFERENCES studies(study_id) ON DELETE CASCADE,
  method       TEXT NOT NULL CHECK (method IN ('greedy', 'top')),
  size         INTEGER NOT NULL,               -- greedy: picks (with replacement); top: trials
  selected_by  TEXT NOT NULL,                  -- the validation metric it was chosen by
  best_trial   INTEGER NOT NULL,               -- the best single trial it is compared with
  created_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ensemble_members (
  study_id     {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,               -- the trial's number
  weight       {real} NOT NULL,
  PRIMARY KEY (study_id, number)
);

-- The ensemble's metrics, and (named best_trial_val_rmse, ...) those of its
-- study's best single trial on the same rows, computed the same way.
CREATE TABLE IF NOT EXISTS ensemble_metrics (
  study_id     {int64} NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  name         TEXT NOT NULL,                  -- val_rmse, test_accuracy, best_trial_val_rmse, ...
  value        {real},
  PRIMARY KEY (study_id, name)
);

CREATE INDEX IF NOT EXISTS trials_by_state ON trials(study_id, state);

-- The best complete, feasible trial of every study (lowest value, highest
-- where the study maximises its metric; ties: lowest number).
DROP VIEW IF EXISTS best_trials;
CREATE VIEW best_trials AS
SELECT study, number, value, train_loss, val_loss, test_loss, best_epoch, seed, params_json,
       duration_s, trial_id
FROM (SELECT s.name AS study, t.*,
             row_number() OVER (PARTITION BY t.study_id ORDER BY
               CASE WHEN s.direction = 'maximize' THEN -t.value ELSE t.value END, t.number) AS rank
      FROM trials t JOIN studies s USING (study_id)
      WHERE t.state = 'COMPLETE' AND coalesce(t.feasible, 1) = 1 AND {value_is_number}) AS ranked
WHERE rank = 1;

-- The complete, feasible trials no other such trial of their study
-- dominates (as good in every objective and better in one, each in its
-- direction): a study's Pareto front; for a study of one objective, its best
-- trials.
DROP VIEW IF EXISTS pareto_trials;
CREATE VIEW pareto_trials AS
SELECT s.name AS study, t.number, t.params_json, t.trial_id
FROM trials t JOIN studies s USING (study_id)
WHERE t.state = 'COMPLETE' AND coalesce(t.feasible, 1) = 1
  AND EXISTS (SELECT 1 FROM trial_values v WHERE v.trial_id = t.trial_id)
  AND NOT EXISTS (
    SELECT 1 FROM trials u
    WHERE u.study_id = t.study_id AND u.state = 'COMPLETE' AND coalesce(u.feasible, 1) = 1
      AND u.trial_id <> t.trial_id
      AND EXISTS (SELECT 1 FROM trial_values w WHERE w.trial_id = u.trial_id)
      AND NOT EXISTS (
        SELECT 1 FROM trial_values a
        JOIN trial_values b ON b.objective = a.objective AND b.trial_id = t.trial_id
        JOIN study_objectives o ON o.study_id = t.study_id AND o.objective = a.objective
        WHERE a.trial_id = u.trial_id
          AND NOT (CASE WHEN o.direction = 'maximize' THEN a.value >= b.value
                        ELSE a.value <= b.value END))
      AND EXISTS (
        SELECT 1 FROM trial_values a
        JOIN trial_values b ON b.objective = a.objective AND b.trial_id = t.trial_id
        JOIN study_objectives o ON o.study_id = t.study_id AND o.objective = a.objective
        WHERE a.trial_id = u.trial_id
          AND (CASE WHEN o.direction = 'maximize' THEN a.value > b.value
                    ELSE a.value < b.value END)));

-- Every trial's metrics, by study name and trial number.
DROP VIEW IF EXISTS metrics;
CREATE VIEW metrics AS
SELECT s.name AS study, t.number AS trial, m.name AS metric, m.value
FROM trial_metrics m JOIN trials t USING (trial_id) JOIN studies s USING (study_id);

-- Every trial's per-epoch curve, by study name and trial number.
DROP VIEW IF EXISTS loss_curves;
CREATE VIEW loss_curves AS
SELECT s.name AS study, t.number AS trial, e.epoch, e.train_loss, e.val_loss, e.lr, e.seconds
FROM epochs e JOIN trials t USING (trial_id) JOIN studies s USING (study_id);
)sql";

// `trial_summary`, one row per trial with one column per param, is rebuilt
// whenever a study adds param names (refresh_views, schema_migration.h): SQL
// cannot turn rows into columns by itself.
inline constexpr const char* kTrialSummaryColumns =
    "s.name AS study, t.number, t.state, t.feasible, t.value, t.train_loss, t.val_loss, "
    "t.test_loss, "
    "t.best_epoch, t.epochs_run, t.duration_s, t.seed, t.device, t.started_at, t.finished_at, "
    "t.error, t.trial_id";

// The schema in `dialect`. SQLite: rowid keys, REAL. PostgreSQL: identity
// keys, 64-bit integers where ids and seeds go, DOUBLE PRECISION (which holds
// NaN itself; SQLite stores it as the text 'NaN').
inline std::string schema_sql(sql::Dialect dialect) {
  const bool pg = dialect == sql::Dialect::postgresql;
  const std::pair<std::string, std::string> fills[] = {
      {"{key}", pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY"},
      {"{int64}", pg ? "BIGINT" : "INTEGER"},
      {"{real}", pg ? "DOUBLE PRECISION" : "REAL"},
      // A PostgreSQL store keeps the file's bytes too: its workers may be
      // on other machines than the one that reads them.
      {"{weights_data}",
       pg ? ",\n  data          BYTEA                          -- the file's bytes" : ""},
      {"{value_is_number}",
       pg ? "t.value <> 'NaN'::float8" : "typeof(t.value) IN ('real', 'integer')"}};
  std::string sql = kSchemaTemplate;
  for (const auto& [from, to] : fills)
    for (auto at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size()))
      sql.replace(at, from.size(), to);
  return sql;
}

// `column` as a loss: negated where the study (aliased `study`) maximises.
inline std::string value_as_loss(const std::string& study, const std::string& column) {
  return "CASE WHEN " + study + ".direction = 'maximize' THEN -" + column + " ELSE " + column +
         " END";
}

// A trial's value is a number: not NULL and not NaN.
inline std::string value_is_number(sql::Dialect dialect, const std::string& column) {
  return dialect == sql::Dialect::postgresql ? column + " <> 'NaN'::float8"
                                             : "typeof(" + column + ") IN ('real', 'integer')";
}

}  // namespace tunelab
