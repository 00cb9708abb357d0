#include "report/study_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/json_paths.h"
#include "report/ensemble_text.h"
#include "report/study_front.h"
#include "report/text.h"
#include "report/trial_table.h"
#include "runner/ensemble/ensemble_selection.h"

namespace tunelab {
namespace {

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

Table comparison_table(const std::vector<StudyInfo>& studies,
                       const std::vector<std::vector<TrialInfo>>& trials,
                       const std::vector<std::optional<EnsembleInfo>>& ensembles) {
  Table table{{"study"}, {}};
  for (const auto& s : studies) table.columns.push_back(s.name);
  const auto add_row = [&](const std::string& what, const auto& cell_of) {
    std::vector<Cell> row{what};
    for (std::size_t i = 0; i < studies.size(); ++i) row.push_back(cell_of(i));
    table.rows.push_back(std::move(row));
  };
  // A study of several objectives has no one best: its front's size stands
  // in the best trial's place.
  const auto several = [&](std::size_t i) { return studies[i].objectives.size() > 1; };
  add_row("metric", [&](std::size_t i) { return Cell(objective_names(studies[i])); });
  add_row("best",
          [&](std::size_t i) { return several(i) ? Cell() : number_cell(studies[i].best_value); });
  add_row("best_trial", [&](std::size_t i) {
    if (several(i))
      return Cell(fmt::format("front of {}", pareto_trials(studies[i], trials[i]).size()));
    return studies[i].best_number ? Cell(*studies[i].best_number) : Cell();
  });
  add_row("median", [&](std::size_t i) {
    if (several(i)) return Cell();
    std::vector<double> done;
    for (const auto& t : trials[i])
      if (t.state == TrialState::complete && std::isfinite(t.value)) done.push_back(t.value);
    return number_cell(median(done));
  });
  // The ensemble beside the best trial: its chosen-by metric on the
  // validation and test rows, and the best trial's on the same rows.
  if (std::any_of(ensembles.begin(), ensembles.end(),
                  [](const auto& e) { return e.has_value(); })) {
    const auto ensemble_cell = [&](std::size_t i, const std::string& split, bool of_best) {
      if (i >= ensembles.size() || !ensembles[i]) return Cell();
      const EnsembleInfo& e = *ensembles[i];
      const auto& metrics = of_best ? e.best_trial_metrics : e.metrics;
      const std::string name = split + shown_metric(e.selected_by);
      const auto found = metrics.find(name);
      return found == metrics.end() ? Cell()
                                    : Cell(fmt::format("{} {}", name, shown(found->second)));
    };
    add_row("ensemble", [&](std::size_t i) {
      if (i >= ensembles.size() || !ensembles[i]) return Cell();
      return Cell(fmt::format("{} {}: {}", ensembles[i]->method, ensembles[i]->size,
                              ensemble_members_text(*ensembles[i])));
    });
    add_row("ensemble val", [&](std::size_t i) { return ensemble_cell(i, "val_", false); });
    add_row("ensemble test", [&](std::size_t i) { return ensemble_cell(i, "test_", false); });
    add_row("best trial test", [&](std::size_t i) { return ensemble_cell(i, "test_", true); });
  }
  add_row("complete", [&](std::size_t i) { return Cell(studies[i].complete); });
  add_row("pruned", [&](std::size_t i) { return Cell(studies[i].pruned); });
  add_row("failed", [&](std::size_t i) { return Cell(studies[i].failed); });
  add_row("wall_s", [&](std::size_t i) { return number_cell(studies[i].wall_seconds); });

  // The best trial's params, by path, over every study's params.
  std::set<std::string> paths;
  std::vector<Params> best_params(studies.size());
  for (std::size_t i = 0; i < studies.size(); ++i) {
    for (const auto& t : trials[i]) {
      for (const auto& [path, value] : t.params) paths.insert(path);
      if (!several(i) && studies[i].best_number && t.number == *studies[i].best_number)
        best_params[i] = t.params;
    }
  }
  for (const auto& path : paths)
    add_row("best " + path, [&](std::size_t i) {
      const auto it = best_params[i].find(path);
      return it == best_params[i].end() ? Cell() : Cell(it->second);
    });

  // Where the resolved configurations differ.
  std::vector<std::map<std::string, nlohmann::json>> configs(studies.size());
  std::set<std::string> keys;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    configs[i] = leaves_by_path(studies[i].config);
    for (const auto& [key, value] : configs[i]) keys.insert(key);
  }
  for (const auto& key : keys) {
    bool differs = false;
    for (std::size_t i = 1; i < studies.size(); ++i)
      differs |= configs[i].count(key) != configs[0].count(key) ||
                 (configs[i].count(key) && configs[i][key] != configs[0][key]);
    if (!differs) continue;
    add_row("config " + key, [&](std::size_t i) {
      const auto it = configs[i].find(key);
      if (it == configs[i].end()) return Cell();
      return it->second.is_structured() ? Cell(it->second.dump()) : Cell(it->second);
    });
  }
  return table;
}

}  // namespace tunelab
