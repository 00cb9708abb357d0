#include "report/trial_listing.h"

#include <algorithm>
#include <set>

#include "common/errors.h"
#include "common/near_matches.h"
#include "report/study_front.h"
#include "report/trial_table.h"

namespace tunelab {
namespace {

// Orders cells with "no value" (null) last, numbers by value, texts by text.
bool cell_less(const Cell& a, const Cell& b) {
  if (a.is_null() || b.is_null()) return !a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  if (a.is_number() != b.is_number()) return a.is_number();
  return cell_text(a) < cell_text(b);
}

// Every loss and metric some trial recorded, losses first, then by name.
std::vector<std::string> recorded_names(const std::vector<TrialInfo>& trials) {
  std::vector<std::string> names = {"train_loss", "val_loss", "test_loss"};
  std::set<std::string> metrics;
  for (const auto& t : trials)
    for (const auto& [name, value] : t.metrics) metrics.insert(name);
  names.insert(names.end(), metrics.begin(), metrics.end());
  return names;
}

// Sorts the rows by `sort`: a column by header, a param by path, or a name
// people use for one ("value": the first objective's column, `value_column`;
// "duration", "epochs_run", any recorded metric).
void sort_rows(Table& table, const std::vector<std::string>& paths,
               const std::vector<std::string>& names_recorded, const std::string& sort,
               bool descending, std::size_t value_column) {
  std::vector<std::string> keys = table.columns;
  keys.insert(keys.end(), paths.begin(), paths.end());
  keys.insert(keys.end(), {"value", "duration", "duration_s", "epochs_run"});
  keys.insert(keys.end(), names_recorded.begin(), names_recorded.end());
  const std::size_t first_param = table.columns.size() - paths.size();
  const auto column_named = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(table.columns.begin(), table.columns.end(), name) -
                                    table.columns.begin());
  };
  const auto found = [&](const std::string& key) -> std::size_t {
    if (key == "value" || key == "metric") return value_column;
    if (key == "duration" || key == "duration_s") return column_named("seconds");
    if (key == "epochs_run") return column_named("epochs");
    for (std::size_t j = 0; j < paths.size(); ++j)
      if (paths[j] == key) return first_param + j;
    const std::size_t named = column_named(key);
    if (named < table.columns.size()) return named;
    throw InputError("--sort: " + unknown_name_message("column", key, keys));
  };
  const std::size_t column = found(sort);
  std::stable_sort(table.rows.begin(), table.rows.end(), [&](const auto& a, const auto& b) {
    // "No value" stays last either way.
    if (descending && !a[column].is_null() && !b[column].is_null())
      return cell_less(b[column], a[column]);
    return cell_less(a[column], b[column]);
  });
}

}  // namespace

Table trial_listing(const StudyInfo& study, const std::vector<TrialInfo>& trials,
                    TrialListing how) {
  const auto paths = param_paths(trials);
  const auto names = short_names(paths);

  // One column per objective (the study's metric, or search.objectives'),
  // then the losses and metrics asked for (--metrics, or the one to sort by).
  const std::size_t objectives = study.objectives.size();
  Table table{{"number", "state"}, {}};
  // A study with search.constraints says which complete trials kept them.
  const bool bounded = has_constraints(trials);
  if (bounded) table.columns.push_back("feasible");
  const std::size_t value_column = table.columns.size();
  for (const auto& o : study.objectives) table.columns.push_back(o.metric);
  std::vector<std::string> shown;
  const std::vector<std::string> names_recorded = recorded_names(trials);
  for (const auto& name : names_recorded) {
    const bool objective =
        std::find(table.columns.begin(), table.columns.end(), name) != table.columns.end();
    if (!objective && (how.all_metrics || name == how.sort)) shown.push_back(name);
  }
  table.columns.insert(table.columns.end(), shown.begin(), shown.end());
  table.columns.insert(table.columns.end(), {"epochs", "seconds"});
  table.columns.insert(table.columns.end(), names.begin(), names.end());
  std::vector<const TrialInfo*> front;
  if (how.pareto) front = pareto_trials(study, trials);
  // --top alone: the best trials, which an infeasible one never is.
  const bool best_only = how.sort.empty() && how.top > 0;
  for (const auto& t : trials) {
    if (!how.state.empty() && to_string(t.state) != how.state) continue;
    if (how.pareto && std::find(front.begin(), front.end(), &t) == front.end()) continue;
    if (best_only && !t.feasible()) continue;
    std::vector<Cell> row{t.number, to_string(t.state)};
    if (bounded) row.push_back(feasible_cell(t));
    const std::vector<double> v = objective_values(t);
    for (std::size_t i = 0; i < objectives; ++i)
      row.push_back(number_cell(i < v.size() ? v[i] : kMissing));
    for (const auto& name : shown) row.push_back(number_cell(recorded_value(t, name)));
    row.insert(row.end(), {t.epochs_run, number_cell(t.duration_s)});
    for (const auto& p : paths) {
      const auto it = t.params.find(p);
      row.push_back(it == t.params.end() ? Cell() : Cell(it->second));
    }
    table.rows.push_back(std::move(row));
  }

  if (how.sort.empty() && how.top > 0) {
    // The best first: the highest where the study maximises its metric.
    how.sort = "value";
    how.descending = study.direction() == Direction::maximize;
  }
  if (!how.sort.empty())
    sort_rows(table, paths, names_recorded, how.sort, how.descending, value_column);
  if (how.top > 0 && table.rows.size() > static_cast<std::size_t>(how.top))
    table.rows.resize(static_cast<std::size_t>(how.top));
  return table;
}

}  // namespace tunelab
