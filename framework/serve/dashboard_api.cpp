#include "serve/dashboard_api.h"

#include <cmath>

#include "config/json_to_yaml.h"
#include "report/study_comparison.h"
#include "report/study_front.h"
#include "report/trial_table.h"
#include "runner/stored/study_importance.h"

namespace tunelab {
namespace {

nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json objectives_json(const StudyInfo& study) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : study.objectives)
    out.push_back({{"metric", o.metric}, {"direction", to_string(o.direction)}});
  return out;
}

// The sampler's and pruner's names, as the stored configuration resolved them.
std::string named(const StudyInfo& study, const char* key) {
  const auto search = study.config.find("search");
  if (search == study.config.end() || !search->contains(key)) return "";
  const auto& section = (*search)[key];
  return section.is_object()   ? section.value("name", "")
         : section.is_string() ? section.get<std::string>()
                               : "";
}

nlohmann::json trial_summary(const TrialInfo& t) {
  nlohmann::json values = nlohmann::json::array();
  for (const double v : t.values) values.push_back(number(v));
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : t.metrics) metrics[name] = number(value);
  return {{"number", t.number},
          {"state", to_string(t.state)},
          // A complete trial of a study with search.constraints: whether it
          // kept them (an infeasible one is never the best); else null.
          {"feasible", t.state == TrialState::complete && !t.constraints.empty()
                           ? nlohmann::json(t.feasible())
                           : nlohmann::json(nullptr)},
          {"value", number(t.value)},
          {"values", values},
          {"params", t.params},
          {"metrics", metrics},
          {"train_loss", number(t.train_loss)},
          {"val_loss", number(t.val_loss)},
          {"test_loss", number(t.test_loss)},
          {"best_epoch", t.best_epoch ? nlohmann::json(*t.best_epoch) : nlohmann::json(nullptr)},
          {"epochs_run", t.epochs_run},
          {"started_at", t.started_at},
          {"finished_at", t.finished_at},
          {"duration_s", number(t.duration_s)},
          {"error", t.error}};
}

nlohmann::json curve_json(const std::vector<EpochRow>& epochs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : epochs)
    out.push_back({{"epoch", e.epoch},
                   {"train_loss", number(e.train_loss)},
                   {"val_loss", number(e.val_loss)},
                   {"lr", number(e.lr)},
                   {"seconds", number(e.seconds)}});
  return out;
}

nlohmann::json importance_json(const StudyInfo& study, const std::vector<TrialInfo>& trials) {
  const StudyImportance importance = study_importance(study, trials);
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : importance.params)
    params.push_back({{"path", p.path}, {"importance", number(p.importance)}});
  return {{"params", params},
          {"trials", importance.trials},
          {"note", importance.note},
          {"caveat", importance.caveat}};
}

}  // namespace

nlohmann::json studies_json(StudyQueries& store) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : store.studies())
    out.push_back(
        {{"name", s.name},
         {"trials", s.complete + s.pruned + s.failed + s.running},
         {"trials_wanted", s.trials_wanted},
         {"complete", s.complete},
         {"pruned", s.pruned},
         {"failed", s.failed},
         {"running", s.running},
         {"objectives", objectives_json(s)},
         {"best_number", s.best_number ? nlohmann::json(*s.best_number) : nlohmann::json(nullptr)},
         {"best_value", number(s.best_value)},
         {"sampler", named(s, "sampler")},
         {"created_at", s.created_at},
         {"first_started", s.first_started},
         {"last_finished", s.last_finished}});
  return out;
}

nlohmann::json study_json(StudyQueries& store, const std::string& name, bool importance) {
  const StudyInfo study = store.study(name);
  const std::vector<TrialInfo> trials = store.trials(study.id);
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& t : trials) listed.push_back(trial_summary(t));
  nlohmann::json front = nlohmann::json::array();
  if (study.objectives.size() > 1)
    for (const TrialInfo* t : pareto_trials(study, trials)) front.push_back(t->number);
  return {{"name", study.name},
          {"objectives", objectives_json(study)},
          {"sampler", named(study, "sampler")},
          {"pruner", named(study, "pruner")},
          {"seed", study.seed},
          {"trials_wanted", study.trials_wanted},
          {"created_at", study.created_at},
          {"best_number",
           study.best_number ? nlohmann::json(*study.best_number) : nlohmann::json(nullptr)},
          {"params", param_paths(trials)},
          {"trials", listed},
          {"importance", importance ? importance_json(study, trials) : nlohmann::json(nullptr)},
          {"front", front},
          {"experiment", json_to_yaml(study.document)}};
}

nlohmann::json curves_json(StudyQueries& store, const std::string& name,
                           const std::vector<int>& numbers) {
  const StudyInfo study = store.study(name);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& t : store.trials(study.id))
    for (const int n : numbers)
      if (t.number == n) out[std::to_string(n)] = curve_json(store.epochs(t.id));
  return out;
}

nlohmann::json trial_json(StudyQueries& store, const std::string& name, int number) {
  const StudyInfo study = store.study(name);
  const TrialInfo trial = store.trial(study, number);
  nlohmann::json out = trial_summary(trial);
  out["record"] = trial_record(store, study, trial);
  out["curve"] = curve_json(store.epochs(trial.id));
  nlohmann::json provenance = nlohmann::json::array();
  for (const auto& p : store.provenance(study.id))
    provenance.push_back({{"tunelab", p.tunelab_version},
                          {"commit", p.tunelab_commit},
                          {"libtorch", p.libtorch_version},
                          {"device", p.device},
                          {"host", p.host},
                          {"dataset_digest", p.dataset_digest}});
  out["provenance"] = provenance;
  return out;
}

nlohmann::json comparison_json(StudyQueries& store, const std::vector<std::string>& names) {
  std::vector<StudyInfo> studies;
  std::vector<std::vector<TrialInfo>> trials;
  std::vector<std::optional<EnsembleInfo>> ensembles;
  for (const auto& name : names) {
    studies.push_back(store.study(name));
    trials.push_back(store.trials(studies.back().id));
    ensembles.push_back(store.ensemble(studies.back().id));
  }
  const Table table = comparison_table(studies, trials, ensembles);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) rows.push_back(row);
  return {{"columns", table.columns}, {"rows", rows}};
}

nlohmann::json progress_json(StudyQueries& store, const std::string& name) {
  if (name.empty()) {
    const StudyProgress p = store.progress();
    return {{"studies", p.studies},
            {"trials", p.trials},
            {"running", p.running},
            {"finished", p.finished}};
  }
  const StudyProgress p = store.progress(name);
  if (p.studies == 0) store.study(name);  // InputError naming the studies there are
  return {
      {"trials", p.trials}, {"running", p.running}, {"finished", p.finished}, {"epochs", p.epochs}};
}

}  // namespace tunelab
