#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "report/ensemble_text.h"
#include "report/study_front.h"
#include "report/table.h"
#include "report/text.h"
#include "report/trial_table.h"
#include "runner/stored/study_importance.h"

namespace tunelab::cli {
namespace {

// A study of several objectives has no one best trial: its Pareto front,
// one row per trial, best first by the first objective.
int print_front(StudyQueries& store, const StudyInfo& study, Format format) {
  const std::vector<TrialInfo> trials = store.trials(study.id);
  const std::vector<const TrialInfo*> front = pareto_trials(study, trials);
  if (front.empty())
    throw InputError(
        fmt::format("study '{}' has no complete trial yet ({} pruned, {} failed, {} running)",
                    study.name, study.pruned, study.failed, study.running));
  const Table table = front_table(study, trials, front);
  if (format == Format::table)
    std::cout << fmt::format(
        "study '{}': {} trials on the Pareto front of {} objectives (none of them beaten in "
        "every objective by another trial)\n",
        study.name, front.size(), study.objectives.size());
  print_table(std::cout, table, format);
  return 0;
}

}  // namespace

int best_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab best", QueryCommand::Names::study);
  if (!command.parse(args, "tunelab best STUDY [--storage URL] [--format table|csv|json]"))
    return 0;
  const Format format = command.format();
  StudyQueries& store = command.store();
  const StudyInfo& study = command.study();
  if (study.objectives.size() > 1) return print_front(store, study, format);
  if (!study.best_number)
    throw InputError(
        fmt::format("study '{}' has no complete trial yet ({} pruned, {} failed, {} running)",
                    study.name, study.pruned, study.failed, study.running));
  const std::vector<TrialInfo> trials = store.trials(study.id);
  const TrialInfo best = store.trial(study, *study.best_number);

  Cell record = trial_record(store, study, best);
  record["curve"] = fmt::format("tunelab show {} {}", shell_word(study.name), best.number);
  record["curve_sql"] = fmt::format(
      "SELECT epoch, train_loss, val_loss FROM loss_curves WHERE study = {} AND trial = {}",
      sql_quoted(study.name), best.number);

  const StudyImportance importance = study_importance(study, trials);
  if (importance.params.empty()) {
    record["importance"] = "none: " + importance.note;
  } else {
    Cell rows = Cell::array();
    for (const ParamImportance& p : importance.params)
      rows.push_back({{"param", p.path}, {"importance", p.importance}});
    record["importance"] = rows;
    if (!importance.caveat.empty()) record["importance_caveat"] = importance.caveat;
  }
  if (const auto ensemble = store.ensemble(study.id))
    record["ensemble"] = ensemble_record(*ensemble, study);
  print_record(std::cout, record, format);
  return 0;
}

}  // namespace tunelab::cli
