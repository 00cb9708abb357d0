#include "report/trial_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace tunelab {

std::vector<std::string> param_paths(const std::vector<TrialInfo>& trials) {
  std::set<std::string> paths;
  for (const auto& t : trials)
    for (const auto& [path, value] : t.params) paths.insert(path);
  return {paths.begin(), paths.end()};
}

std::vector<std::string> short_names(const std::vector<std::string>& paths) {
  const auto last = [](const std::string& path) { return path.substr(path.rfind('.') + 1); };
  std::map<std::string, int> uses;
  for (const auto& p : paths) ++uses[last(p)];
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(uses[last(p)] == 1 ? last(p) : p);
  return out;
}

Cell number_cell(double value) { return std::isnan(value) ? Cell() : Cell(value); }

Cell trial_record(StudyQueries& store, const StudyInfo& study, const TrialInfo& trial) {
  Cell record = Cell::object();
  record["study"] = study.name;
  record["trial"] = trial.number;
  record["state"] = to_string(trial.state);
  if (!trial.constraints.empty()) {
    // Each bound of search.constraints with the trial's value of it
    // (search/constraints.h: at most 0 where it holds).
    record["feasible"] = trial.feasible();
    const auto stated = study.config.value("search", nlohmann::json::object())
                            .value("constraints", nlohmann::json::array());
    Cell bounds = Cell::array();
    for (std::size_t i = 0; i < trial.constraints.size(); ++i)
      bounds.push_back({{"metric", i < stated.size() ? stated[i].value("metric", "") : ""},
                        {"value", number_cell(trial.constraints[i])}});
    record["constraints"] = bounds;
  }
  record["metric"] = study.metric();
  record["value"] = number_cell(trial.value);
  record["direction"] = to_string(study.direction());
  record["train_loss"] = number_cell(trial.train_loss);
  record["val_loss"] = number_cell(trial.val_loss);
  record["test_loss"] = number_cell(trial.test_loss);
  for (const auto& [name, value] : trial.metrics) record[name] = number_cell(value);
  record["kept_epoch"] = trial.best_epoch ? Cell(*trial.best_epoch) : Cell();
  record["epochs_run"] = trial.epochs_run;
  record["seed"] = trial.seed;
  record["device"] = trial.device;
  record["started_at"] = trial.started_at;
  record["finished_at"] = trial.finished_at.empty() ? Cell() : Cell(trial.finished_at);
  record["duration_s"] = number_cell(trial.duration_s);
  if (!trial.error.empty()) record["error"] = trial.error;
  Cell params = Cell::object();
  for (const auto& [path, value] : trial.params) params[path] = Cell(value);
  record["params"] = params;
  const auto weights = store.weights(trial.id);
  record["weights"] = weights ? Cell(weights->file.string()) : Cell();
  return record;
}

double recorded_value(const TrialInfo& trial, const std::string& name) {
  if (name == "train_loss") return trial.train_loss;
  if (name == "val_loss") return trial.val_loss;
  if (name == "test_loss") return trial.test_loss;
  const auto found = trial.metrics.find(name);
  return found == trial.metrics.end() ? kMissing : found->second;
}

bool has_constraints(const std::vector<TrialInfo>& trials) {
  return std::any_of(trials.begin(), trials.end(),
                     [](const TrialInfo& t) { return !t.constraints.empty(); });
}

Cell feasible_cell(const TrialInfo& trial) {
  return trial.state == TrialState::complete ? Cell(trial.feasible()) : Cell();
}

Table export_table(const std::vector<TrialInfo>& trials) {
  const auto paths = param_paths(trials);
  std::set<std::string> metric_names;
  for (const auto& t : trials)
    for (const auto& [name, value] : t.metrics) metric_names.insert(name);
  const bool bounded = has_constraints(trials);
  Table table{{"number", "state", "value", "train_loss", "val_loss", "test_loss"}, {}};
  if (bounded) table.columns.insert(table.columns.begin() + 2, "feasible");
  table.columns.insert(table.columns.end(), metric_names.begin(), metric_names.end());
  for (const char* column : {"best_epoch", "epochs_run", "duration_s", "seed", "device",
                             "started_at", "finished_at", "error"})
    table.columns.emplace_back(column);
  table.columns.insert(table.columns.end(), paths.begin(), paths.end());
  const auto text = [](const std::string& s) { return s.empty() ? Cell() : Cell(s); };
  for (const auto& t : trials) {
    std::vector<Cell> row{t.number,
                          to_string(t.state),
                          number_cell(t.value),
                          number_cell(t.train_loss),
                          number_cell(t.val_loss),
                          number_cell(t.test_loss)};
    if (bounded) row.insert(row.begin() + 2, feasible_cell(t));
    for (const auto& name : metric_names) {
      const auto found = t.metrics.find(name);
      row.push_back(found == t.metrics.end() ? Cell() : number_cell(found->second));
    }
    row.insert(row.end(), {t.best_epoch ? Cell(*t.best_epoch) : Cell(), t.epochs_run,
                           number_cell(t.duration_s), t.seed, text(t.device), text(t.started_at),
                           text(t.finished_at), text(t.error)});
    for (const auto& p : paths) {
      const auto it = t.params.find(p);
      row.push_back(it == t.params.end() ? Cell() : Cell(it->second));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace tunelab
