#include "cli/run_ending.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/options.h"
#include "common/errors.h"
#include "common/metric_catalogue.h"
#include "report/ensemble_text.h"
#include "report/study_front.h"
#include "report/text.h"
#include "report/trial_table.h"
#include "runner/ensemble/ensemble.h"

namespace tunelab::cli {
namespace {

std::string storage_option(const std::string& storage) {
  return storage == kDefaultStorage ? "" : " --storage " + shell_word(shown_url(storage));
}

// Where the results are, and what to run next.
void print_store_and_next(StudyQueries& store, const StudySummary& summary,
                          const std::string& storage) {
  std::cout << fmt::format(
      "store: {}\nnext:  tunelab report {} --html {}.html{}\n",
      store.is_postgresql() ? store.url() : sqlite_path_from_url(store.url()).string(),
      shell_word(summary.name), file_name_for(summary.name), storage_option(storage));
}

// The best trial with its test loss and params, where the results are, and
// what to run next.
void print_best(StudyQueries& store, const StudyInfo& study, const StudySummary& summary,
                const std::string& metric, const std::string& storage,
                const std::vector<std::string>& ensemble) {
  if (study.objectives.size() > 1) {
    // No one best trial: the front, listed by `tunelab best`.
    std::string objectives;
    for (const auto& o : study.objectives)
      objectives += (objectives.empty() ? "" : ", ") + objective_label(o);
    const std::vector<TrialInfo> trials = store.trials(study.id);
    std::cout << fmt::format("front: {} trials on the Pareto front of {}: tunelab best {}{}\n",
                             pareto_trials(study, trials).size(), objectives,
                             shell_word(summary.name), storage_option(storage));
    print_store_and_next(store, summary, storage);
    return;
  }
  const TrialInfo best = store.trial(study, summary.best->number);
  // Beside the metric, its value on the test rows: the test loss, or for a
  // metric such as val_auc, test_auc.
  // (A metric of no split, such as train_loss, has the test loss beside it.)
  std::string test_name = test_counterpart(metric);
  if (test_name.empty()) test_name = "test_loss";
  const double test_value = recorded_value(best, test_name);
  std::cout << fmt::format("best: trial {}  {} {}", best.number, metric, shown(best.value))
            << (best.epochs_run > 0
                    ? fmt::format("  {} {}  (epoch {} of {})", test_name, shown(test_value),
                                  best.best_epoch.value_or(0), best.epochs_run)
                    : "")
            << "\n";
  std::size_t width = 24;
  for (const auto& item : best.params) width = std::max(width, item.first.size());
  for (const auto& [path, value] : best.params)
    std::cout << fmt::format("  {:<{}} {}\n", path, width,
                             value.is_string()         ? value.get<std::string>()
                             : value.is_number_float() ? shown(value.get<double>())
                                                       : value.dump());
  for (const auto& line : ensemble) std::cout << line << "\n";
  print_store_and_next(store, summary, storage);
}

// Which earlier studies' trials the sampler saw (search.warm_start).
void print_warm_start(StudyQueries& store, const StudyInfo& study) {
  std::vector<std::pair<std::string, int>> sources;
  for (const WarmStartTrial& t : store.warm_start_trials(study.id)) {
    if (sources.empty() || sources.back().first != t.source_study)
      sources.emplace_back(t.source_study, 0);
    ++sources.back().second;
  }
  std::string listed;
  for (const auto& [name, count] : sources)
    listed += fmt::format("{}{} trials of study '{}'", listed.empty() ? "" : ", ", count, name);
  if (!listed.empty())
    std::cout << fmt::format("warm start: the sampler also saw {} (not counted)\n", listed);
}

}  // namespace

void print_run_ending(StudyQueries& store, const StudySummary& summary,
                      const ExperimentConfig& config, const std::string& storage, bool single,
                      const RunPrinter& printer, const std::vector<std::string>& ensemble) {
  const std::string where = fmt::format("study '{}' in {}", summary.name, store.url());
  if (summary.stopped_because == StopReason::interrupted)
    throw InterruptedError(
        fmt::format("interrupted: {} has {} complete, {} pruned, {} failed trials; --resume "
                    "continues it",
                    where, summary.complete, summary.pruned, summary.failed));
  if (summary.complete == 0 && summary.pruned == 0 && summary.failed > 0)
    throw Error(fmt::format("every trial of {} failed; the last, {}", where, printer.last_error()));
  if (single) {
    std::cout << fmt::format("{}: recorded as {}\n", config.name, where);
    return;
  }
  std::cout << fmt::format(
      "{}: {} complete{}, {} pruned, {} failed (stopped: {})\n", where, summary.complete,
      summary.infeasible > 0 ? fmt::format(" ({} infeasible)", summary.infeasible) : "",
      summary.pruned, summary.failed, to_string(summary.stopped_because));
  const StudyInfo study = store.study(summary.name);
  print_warm_start(store, study);
  if (summary.best) print_best(store, study, summary, config.search.metric(), storage, ensemble);
}

std::vector<std::string> run_ensemble(Store& store, const StudySummary& summary,
                                      const ExperimentConfig& config, const Registrar& registrar) {
  const auto& asked = config.search.ensemble;
  if (asked.size == 0 || summary.stopped_because == StopReason::interrupted || !summary.best)
    return {};
  const StudyInfo study = store.study(summary.name);
  try {
    BuiltEnsemble built = build_ensemble(store, study, registrar, {asked.size, asked.method});
    std::vector<std::string> lines = ensemble_lines(built.ensemble);
    for (const auto& note : built.notes) lines.push_back("  note: " + note);
    return lines;
  } catch (const InputError& e) {
    // Too few complete trials (a short --trials, many pruned): the study
    // stands; `tunelab ensemble` builds one later.
    return {fmt::format("ensemble: none built: {}", e.what())};
  }
}

}  // namespace tunelab::cli
