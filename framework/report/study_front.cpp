#include "report/study_front.h"

#include <algorithm>

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
    if (t.state != TrialState::complete) continue;
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
  if (study.objectives.size() <= 1) return study.metric;
  std::string names;
  for (const auto& o : study.objectives) names += (names.empty() ? "" : ", ") + o.metric;
  return names;
}

}  // namespace tunelab
