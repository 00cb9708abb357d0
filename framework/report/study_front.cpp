#include "report/study_front.h"

#include <algorithm>

#include "report/trial_table.h"
#include "search/pareto.h"

namespace tunelab {

std::vector<double> objective_values(const TrialInfo& trial) {
  return trial.values.empty() ? std::vector<double>{trial.value} : trial.values;
}

std::vector<const TrialInfo*> pareto_trials(const StudyInfo& study,
                                            const std::vector<TrialInfo>& trials) {
  std::vector<const TrialInfo*> complete;
  std::vector<std::vector<double>> losses;
  for (const auto& t : trials) {
    if (t.state != TrialState::complete || !t.feasible()) continue;
    std::vector<double> v = objective_values(t);
    if (v.size() != study.objectives.size()) continue;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (study.objectives[i].direction == Direction::maximize) v[i] = -v[i];
    complete.push_back(&t);
    losses.push_back(std::move(v));
  }
  std::vector<std::size_t> front = pareto_front(losses);
  std::stable_sort(front.begin(), front.end(),
                   [&](std::size_t a, std::size_t b) { return losses[a][0] < losses[b][0]; });
  std::vector<const TrialInfo*> out;
  for (std::size_t i : front) out.push_back(complete[i]);
  return out;
}

std::string objective_label(const Objective& objective) {
  return objective.metric + (objective.direction == Direction::maximize ? " (max)" : " (min)");
}

std::string objective_names(const StudyInfo& study) {
  if (study.objectives.size() <= 1) return study.metric();
  std::string names;
  for (const auto& o : study.objectives) names += (names.empty() ? "" : ", ") + o.metric;
  return names;
}

Table front_table(const StudyInfo& study, const std::vector<TrialInfo>& trials,
                  const std::vector<const TrialInfo*>& front) {
  const auto paths = param_paths(trials);
  Table table{{"number"}, {}};
  for (const auto& o : study.objectives) table.columns.push_back(objective_label(o));
  const auto names = short_names(paths);
  table.columns.insert(table.columns.end(), names.begin(), names.end());
  for (const TrialInfo* t : front) {
    std::vector<Cell> row{t->number};
    for (double v : objective_values(*t)) row.push_back(number_cell(v));
    for (const auto& p : paths) {
      const auto it = t->params.find(p);
      row.push_back(it == t->params.end() ? Cell() : Cell(it->second));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace tunelab
