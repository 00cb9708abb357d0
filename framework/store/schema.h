#pragma once
// The results store's schema, as SQL. Documented in docs/store.md.

namespace tunelab {

// Bumped whenever the schema changes; a store with a higher version was
// written by a newer tunelab and is refused rather than misread.
inline constexpr int kSchemaVersion = 1;

inline constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER NOT NULL
);

-- One row per study: a named experiment with its resolved configuration.
CREATE TABLE IF NOT EXISTS studies (
  study_id        INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  seed            INTEGER NOT NULL,            -- root seed
  metric          TEXT NOT NULL,               -- minimised: val_loss, test_loss or train_loss
  trials_wanted   INTEGER NOT NULL,            -- the trial budget
  config_json     TEXT NOT NULL,               -- resolved configuration, defaults filled in
  document_json   TEXT NOT NULL,               -- the experiment file with --set applied
  config_hash     TEXT NOT NULL,               -- FNV-1a 64 of document_json
  experiment_file TEXT,
  created_at      TEXT NOT NULL                -- UTC, ISO 8601
);

-- Where and with what a study ran: one row per `tunelab run` (a resumed study
-- may run on another machine or build).
CREATE TABLE IF NOT EXISTS provenance (
  provenance_id    INTEGER PRIMARY KEY,
  study_id         INTEGER NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  tunelab_version  TEXT NOT NULL,
  tunelab_commit   TEXT NOT NULL,
  libtorch_version TEXT NOT NULL,
  device           TEXT NOT NULL,
  host             TEXT NOT NULL,
  threads          INTEGER NOT NULL,            -- LibTorch intra-op threads
  config_hash      TEXT NOT NULL,
  dataset_digest   TEXT NOT NULL,              -- FNV-1a 64 of the data set's values
  recorded_at      TEXT NOT NULL
);

-- One row per trial. Trial numbers count from 0 within a study.
CREATE TABLE IF NOT EXISTS trials (
  trial_id     INTEGER PRIMARY KEY,
  study_id     INTEGER NOT NULL REFERENCES studies(study_id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL')),
  seed         INTEGER NOT NULL,               -- the trial's own seed (from root seed and number)
  params_json  TEXT NOT NULL,                  -- {"trainer.lr": 0.003, ...}
  value        REAL,                           -- the study's metric (of the kept weights)
  train_loss   REAL,                           -- of the kept epoch
  val_loss     REAL,
  test_loss    REAL,
  best_epoch   INTEGER,                        -- the epoch whose weights were kept
  epochs_run   INTEGER,
  device       TEXT,
  started_at   TEXT,
  finished_at  TEXT,
  duration_s   REAL,
  heartbeat_at TEXT,
  error        TEXT,                           -- why a trial failed
  UNIQUE (study_id, number)
);

-- Each trial's params, one row per param, for plain SQL (WHERE name = 'trainer.lr').
CREATE TABLE IF NOT EXISTS trial_params (
  trial_id    INTEGER NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  name        TEXT NOT NULL,                   -- dotted path in the experiment file
  value_json  TEXT NOT NULL,
  value_real  REAL,                            -- numbers (and booleans as 0/1)
  value_text  TEXT,                            -- texts (registry names)
  PRIMARY KEY (trial_id, name)
);

-- Per-epoch learning curves.
CREATE TABLE IF NOT EXISTS epochs (
  trial_id    INTEGER NOT NULL REFERENCES trials(trial_id) ON DELETE CASCADE,
  epoch       INTEGER NOT NULL,                -- from 1
  train_loss  REAL,
  val_loss    REAL,                            -- NULL without a validation split
  lr          REAL,
  seconds     REAL,
  PRIMARY KEY (trial_id, epoch)
);

CREATE INDEX IF NOT EXISTS trials_by_state ON trials(study_id, state);
)sql";

}  // namespace tunelab
