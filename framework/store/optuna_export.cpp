#include "store/optuna_export.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

#include "common/errors.h"
#include "search/space.h"

namespace tunelab {
namespace {

constexpr int kOptunaSchemaVersion = 12;
constexpr const char* kOptunaAlembicRevision = "v3.0.0.d";

// The tables as Optuna 3.1's SQLAlchemy models create them on SQLite.
constexpr const char* kOptunaSchemaSql = R"sql(
CREATE TABLE studies (
  study_id INTEGER NOT NULL,
  study_name VARCHAR(512) NOT NULL,
  PRIMARY KEY (study_id)
);
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE TABLE version_info (
  version_info_id INTEGER NOT NULL,
  schema_version INTEGER,
  library_version VARCHAR(256),
  PRIMARY KEY (version_info_id),
  CHECK (version_info_id=1)
);
CREATE TABLE study_directions (
  study_direction_id INTEGER NOT NULL,
  direction VARCHAR(8) NOT NULL,
  study_id INTEGER NOT NULL,
  objective INTEGER NOT NULL,
  PRIMARY KEY (study_direction_id),
  UNIQUE (study_id, objective),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE study_user_attributes (
  study_user_attribute_id INTEGER NOT NULL,
  study_id INTEGER,
  "key" VARCHAR(512),
  value_json TEXT,
  PRIMARY KEY (study_user_attribute_id),
  UNIQUE (study_id, "key"),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE study_system_attributes (
  study_system_attribute_id INTEGER NOT NULL,
  study_id INTEGER,
  "key" VARCHAR(512),
  value_json TEXT,
  PRIMARY KEY (study_system_attribute_id),
  UNIQUE (study_id, "key"),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE trials (
  trial_id INTEGER NOT NULL,
  number INTEGER,
  study_id INTEGER,
  state VARCHAR(8) NOT NULL,
  datetime_start DATETIME,
  datetime_complete DATETIME,
  PRIMARY KEY (trial_id),
  FOREIGN KEY(study_id) REFERENCES studies (study_id)
);
CREATE TABLE trial_user_attributes (
  trial_user_attribute_id INTEGER NOT NULL,
  trial_id INTEGER,
  "key" VARCHAR(512),
  value_json TEXT,
  PRIMARY KEY (trial_user_attribute_id),
  UNIQUE (trial_id, "key"),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_system_attributes (
  trial_system_attribute_id INTEGER NOT NULL,
  trial_id INTEGER,
  "key" VARCHAR(512),
  value_json TEXT,
  PRIMARY KEY (trial_system_attribute_id),
  UNIQUE (trial_id, "key"),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_params (
  param_id INTEGER NOT NULL,
  trial_id INTEGER,
  param_name VARCHAR(512),
  param_value FLOAT,
  distribution_json TEXT,
  PRIMARY KEY (param_id),
  UNIQUE (trial_id, param_name),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_values (
  trial_value_id INTEGER NOT NULL,
  trial_id INTEGER NOT NULL,
  objective INTEGER NOT NULL,
  value FLOAT,
  value_type VARCHAR(7) NOT NULL,
  PRIMARY KEY (trial_value_id),
  UNIQUE (trial_id, objective),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_intermediate_values (
  trial_intermediate_value_id INTEGER NOT NULL,
  trial_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  intermediate_value FLOAT,
  intermediate_value_type VARCHAR(7) NOT NULL,
  PRIMARY KEY (trial_intermediate_value_id),
  UNIQUE (trial_id, step),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE trial_heartbeats (
  trial_heartbeat_id INTEGER NOT NULL,
  trial_id INTEGER NOT NULL,
  heartbeat DATETIME NOT NULL,
  PRIMARY KEY (trial_heartbeat_id),
  UNIQUE (trial_id),
  FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
);
CREATE TABLE alembic_version (
  version_num VARCHAR(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
)sql";

using nlohmann::json;

// A dimension as an Optuna distribution, and a config value in Optuna's
// internal representation (floats; a categorical's choice index). A pow2
// integer (values 2^low .. 2^high) becomes a log-scaled IntDistribution over
// the values themselves, which is what the trial saw.
struct OptunaParam {
  std::string distribution_json;
  std::function<std::optional<double>(const json&)> internal;
};

// Optuna's categorical choices are None, bools, numbers or strings; other
// choices (lists, mappings) are exported as their JSON text.
json optuna_choice(const json& choice) {
  return choice.is_structured() ? json(choice.dump()) : choice;
}

OptunaParam optuna_param(const Dimension& d) {
  json distribution;
  OptunaParam param;
  const auto number = [](const json& v) -> std::optional<double> {
    if (!v.is_number()) return std::nullopt;
    return v.get<double>();
  };
  switch (d.kind) {
    case Dimension::Kind::real:
      distribution = {{"name", "FloatDistribution"},
                      {"attributes",
                       {{"step", d.step ? json(*d.step) : json(nullptr)},
                        {"low", d.low},
                        {"high", d.high},
                        {"log", d.log}}}};
      param.internal = number;
      break;
    case Dimension::Kind::integer: {
      const bool pow2 = d.transform == "pow2";
      const auto low =
          static_cast<std::int64_t>(pow2 ? std::ldexp(1.0, static_cast<int>(d.low)) : d.low);
      const auto high =
          static_cast<std::int64_t>(pow2 ? std::ldexp(1.0, static_cast<int>(d.high)) : d.high);
      distribution = {{"name", "IntDistribution"},
                      {"attributes",
                       {{"log", d.log || pow2},
                        {"step", pow2 ? 1 : static_cast<std::int64_t>(d.step.value_or(1))},
                        {"low", low},
                        {"high", high}}}};
      param.internal = number;
      break;
    }
    case Dimension::Kind::categorical: {
      json choices = json::array();
      for (const auto& c : d.choices) choices.push_back(optuna_choice(c));
      distribution = {{"name", "CategoricalDistribution"}, {"attributes", {{"choices", choices}}}};
      param.internal = [choices = d.choices](const json& v) -> std::optional<double> {
        for (std::size_t i = 0; i < choices.size(); ++i)
          if (choices[i] == v) return static_cast<double>(i);
        return std::nullopt;
      };
      break;
    }
  }
  param.distribution_json = distribution.dump();
  return param;
}

// "2026-11-27T11:46:11.591Z" (UTC) as SQLAlchemy stores a DATETIME on
// SQLite: "2026-11-27 11:46:11.591000" (six digits: it reads them as
// microseconds).
std::optional<std::string> optuna_time(const std::string& iso) {
  if (iso.size() < 19) return std::nullopt;
  std::string text = iso.substr(0, 10) + " " + iso.substr(11, 8);
  std::string fraction;
  if (iso.size() > 20 && iso[19] == '.')
    for (std::size_t i = 20; i < iso.size() && std::isdigit(static_cast<unsigned char>(iso[i]));
         ++i)
      fraction += iso[i];
  fraction.resize(6, '0');
  return text + "." + fraction;
}

// Optuna keeps infinities (and NaN, for intermediate values) as a type
// beside a NULL value.
void bind_optuna_value(SQLite::Statement& q, int value_index, int type_index, double value,
                       bool nan_allowed) {
  if (std::isfinite(value)) {
    q.bind(value_index, value);
    q.bind(type_index, "FINITE");
    return;
  }
  q.bind(value_index);
  if (std::isnan(value)) {
    q.bind(type_index, nan_allowed ? "NAN" : "INF_POS");
  } else {
    q.bind(type_index, value > 0 ? "INF_POS" : "INF_NEG");
  }
}

void bind_time(SQLite::Statement& q, int index, const std::string& iso) {
  if (const auto t = optuna_time(iso))
    q.bind(index, *t);
  else
    q.bind(index);
}

// Checks that `db` is an Optuna storage of the version we write.
void check_optuna_storage(SQLite::Database& db, const std::filesystem::path& file) {
  const auto refuse = [&](const std::string& why) {
    return OptunaFileError(fmt::format("{}: {}", file.string(), why), true);
  };
  if (!db.tableExists("version_info") || !db.tableExists("alembic_version"))
    throw refuse("exists and is not an Optuna storage");
  SQLite::Statement version(db, "SELECT schema_version FROM version_info");
  SQLite::Statement revision(db, "SELECT version_num FROM alembic_version");
  if (!version.executeStep() || version.getColumn(0).getInt() != kOptunaSchemaVersion ||
      !revision.executeStep() || revision.getColumn(0).getString() != kOptunaAlembicRevision)
    throw refuse(fmt::format(
        "is an Optuna storage of another schema version (tunelab writes version {}, Optuna 3.0 "
        "and 3.1)",
        kOptunaSchemaVersion));
}

void write_study(SQLite::Database& db, StudyQueries& store, const StudyInfo& study,
                 const std::filesystem::path& file) {
  SQLite::Statement existing(db, "SELECT 1 FROM studies WHERE study_name = ?");
  existing.bind(1, study.name);
  if (existing.executeStep())
    throw OptunaFileError(
        fmt::format("{} already holds a study named '{}'", file.string(), study.name), true);

  SQLite::Statement add_study(db, "INSERT INTO studies (study_name) VALUES (?)");
  add_study.bind(1, study.name);
  add_study.exec();
  const std::int64_t study_id = db.getLastInsertRowid();
  // One direction per objective, so that Optuna's best_trials is the front.
  SQLite::Statement direction(
      db, "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)");
  for (std::size_t i = 0; i < study.objectives.size(); ++i) {
    direction.reset();
    direction.bind(1,
                   study.objectives[i].direction == Direction::maximize ? "MAXIMIZE" : "MINIMIZE");
    direction.bind(2, study_id);
    direction.bind(3, static_cast<std::int64_t>(i));
    direction.exec();
  }
  SQLite::Statement study_attr(
      db, "INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (?, ?, ?)");
  const auto add_study_attr = [&](const std::string& key, const json& value) {
    study_attr.reset();
    study_attr.bind(1, study_id);
    study_attr.bind(2, key);
    study_attr.bind(3, value.dump());
    study_attr.exec();
  };
  add_study_attr("metric", study.metric());
  if (study.objectives.size() > 1) {
    json metrics = json::array();
    for (const auto& o : study.objectives) metrics.push_back(o.metric);
    add_study_attr("objectives", metrics);
  }
  add_study_attr("seed", std::to_string(study.seed));
  add_study_attr("tunelab_config", study.config);

  std::map<std::string, OptunaParam> params;
  if (study.config.contains("search") && study.config["search"].contains("space"))
    for (const Dimension& d : read_search_space(study.config["search"]["space"]).dimensions)
      params.emplace(d.path, optuna_param(d));

  SQLite::Statement add_trial(db,
                              "INSERT INTO trials (number, study_id, state, datetime_start, "
                              "datetime_complete) VALUES (?, ?, ?, ?, ?)");
  SQLite::Statement add_param(db,
                              "INSERT INTO trial_params (trial_id, param_name, param_value, "
                              "distribution_json) VALUES (?, ?, ?, ?)");
  SQLite::Statement add_value(
      db, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)");
  SQLite::Statement add_step(db,
                             "INSERT INTO trial_intermediate_values (trial_id, step, "
                             "intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)");
  SQLite::Statement add_attr(
      db, "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (?, ?, ?)");
  SQLite::Statement add_system_attr(
      db, "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (?, ?, ?)");

  for (const TrialInfo& t : store.trials(study.id)) {
    add_trial.reset();
    add_trial.bind(1, t.number);
    add_trial.bind(2, study_id);
    add_trial.bind(3, to_string(t.state));
    bind_time(add_trial, 4, t.started_at);
    bind_time(add_trial, 5, t.finished_at);
    add_trial.exec();
    const std::int64_t trial_id = db.getLastInsertRowid();

    for (const auto& [name, value] : t.params) {
      const auto found = params.find(name);
      if (found == params.end()) continue;
      const auto internal = found->second.internal(value);
      if (!internal) continue;
      add_param.reset();
      add_param.bind(1, trial_id);
      add_param.bind(2, name);
      add_param.bind(3, *internal);
      add_param.bind(4, found->second.distribution_json);
      add_param.exec();
    }
    // Optuna gives complete trials a value, and pruned ones their last
    // reported value; failed ones none. A model too large for a bound on
    // n_params was never trained: its values are the worst there are
    // (bind_optuna_value writes NaN as +inf), as Optuna requires some.
    const bool untrained = t.state == TrialState::complete && std::isnan(t.value) && !t.feasible();
    if ((t.state == TrialState::complete || t.state == TrialState::pruned) &&
        (!std::isnan(t.value) || untrained)) {
      const std::vector<double> values = t.values.empty() ? std::vector<double>{t.value} : t.values;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const bool maximised =
            i < study.objectives.size() && study.objectives[i].direction == Direction::maximize;
        add_value.reset();
        add_value.bind(1, trial_id);
        add_value.bind(2, static_cast<std::int64_t>(i));
        bind_optuna_value(add_value, 3, 4,
                          std::isnan(values[i]) && maximised ? -INFINITY : values[i], false);
        add_value.exec();
      }
    }
    // Where Optuna's samplers read a trial's constraints (constraints_func's
    // values; at most 0 where each holds); an unknown one as 1, broken.
    if (!t.constraints.empty()) {
      json constraints = json::array();
      for (double c : t.constraints) constraints.push_back(std::isnan(c) ? 1.0 : c);
      add_system_attr.reset();
      add_system_attr.bind(1, trial_id);
      add_system_attr.bind(2, "constraints");
      add_system_attr.bind(3, constraints.dump());
      add_system_attr.exec();
    }
    for (const EpochRow& e : store.epochs(t.id)) {
      add_step.reset();
      add_step.bind(1, trial_id);
      add_step.bind(2, e.epoch);
      bind_optuna_value(add_step, 3, 4, std::isnan(e.val_loss) ? e.train_loss : e.val_loss, true);
      add_step.exec();
    }
    const auto add_trial_attr = [&](const std::string& key, const json& value) {
      add_attr.reset();
      add_attr.bind(1, trial_id);
      add_attr.bind(2, key);
      add_attr.bind(3, value.dump());
      add_attr.exec();
    };
    const auto loss = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    add_trial_attr("train_loss", loss(t.train_loss));
    add_trial_attr("val_loss", loss(t.val_loss));
    add_trial_attr("test_loss", loss(t.test_loss));
    add_trial_attr("seed", std::to_string(t.seed));
    if (t.best_epoch) add_trial_attr("best_epoch", *t.best_epoch);
    if (!t.error.empty()) add_trial_attr("error", t.error);
  }
}

}  // namespace

void export_to_optuna(StudyQueries& store, const StudyInfo& study,
                      const std::filesystem::path& file, OptunaExport mode) {
  std::error_code error;
  if (mode == OptunaExport::add_to_file && std::filesystem::exists(file, error)) {
    if (!std::filesystem::is_regular_file(file, error))
      throw OptunaFileError(fmt::format("{} is not a file", file.string()), false);
    try {
      SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
      check_optuna_storage(db, file);
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      write_study(db, store, study, file);
      tx.commit();
    } catch (const SQLite::Exception& e) {
      throw OptunaFileError(fmt::format("{}: {}", file.string(), e.what()), false);
    }
    return;
  }

  const std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
  if (!std::filesystem::is_directory(folder, error))
    throw OptunaFileError(fmt::format("the folder {} does not exist", folder.string()), false);
  const std::filesystem::path partial =
      folder / fmt::format(".{}.partial-{}", file.filename().string(), getpid());
  try {
    {
      SQLite::Database db(partial.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      SQLite::Transaction tx(db);
      db.exec(kOptunaSchemaSql);
      db.exec(
          fmt::format("INSERT INTO version_info VALUES (1, {}, '3.1.0')", kOptunaSchemaVersion));
      db.exec(fmt::format("INSERT INTO alembic_version VALUES ('{}')", kOptunaAlembicRevision));
      write_study(db, store, study, file);
      tx.commit();
    }
    std::filesystem::rename(partial, file);
  } catch (const SQLite::Exception& e) {
    std::filesystem::remove(partial, error);
    throw OptunaFileError(fmt::format("cannot write {}: {}", file.string(), e.what()), false);
  } catch (...) {
    std::filesystem::remove(partial, error);
    throw;
  }
}

}  // namespace tunelab
