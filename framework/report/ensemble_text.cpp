#include "report/ensemble_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/text.h"
#include "report/trial_table.h"
#include "runner/ensemble/ensemble_selection.h"

namespace tunelab {

std::string ensemble_members_text(const EnsembleInfo& e) {
  auto members = e.members;
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [number, weight] : members)
    out += fmt::format("{}{} x{:.3g}", out.empty() ? "" : ", ", number, weight);
  return out;
}

std::vector<std::string> ensemble_lines(const EnsembleInfo& e) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("ensemble ({}, {} {}): trial{} {}", e.method, e.size,
                              e.method == "greedy" ? "picks" : "trials",
                              e.members.size() > 1 ? "s" : "", ensemble_members_text(e)));
  const std::string name = shown_metric(e.selected_by);
  std::string figures;
  for (const std::string split : {"val_", "test_"}) {
    const auto ours = e.metrics.find(split + name);
    if (ours == e.metrics.end()) continue;
    const auto theirs = e.best_trial_metrics.find(split + name);
    const std::string single = theirs == e.best_trial_metrics.end() ? "-" : shown(theirs->second);
    figures +=
        fmt::format("  {} {} ({}{})", split + name, shown(ours->second),
                    figures.empty() ? fmt::format("best trial {}: ", e.best_trial) : "", single);
  }
  if (!figures.empty()) lines.push_back(figures);
  return lines;
}

Cell ensemble_record(const EnsembleInfo& e, const StudyInfo& study) {
  Cell out = {{"method", e.method}, {"size", e.size}, {"selected_by", e.selected_by}};
  Cell members = Cell::array();
  for (const auto& [number, weight] : e.members)
    members.push_back({{"trial", number}, {"weight", weight}});
  out["members"] = members;
  for (const auto& [name, value] : e.metrics) out[name] = number_cell(value);
  out["best_trial"] = e.best_trial;
  for (const auto& [name, value] : e.best_trial_metrics)
    out["best_trial_" + name] = number_cell(value);
  out["predict"] =
      fmt::format("tunelab predict {} --ensemble --input ROWS.csv", shell_word(study.name));
  return out;
}

}  // namespace tunelab
