#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "common/errors.h"
#include "report/text.h"
#include "report/trial_table.h"
#include "runner/study_importance.h"

namespace tunelab::cli {

int best_command(const Arguments& args, Registrar&) {
  QueryOptions query;
  po::options_description options("tunelab best");
  query.add_to(options, QueryOptions::Names::study);
  po::variables_map values;
  if (!parse_arguments("tunelab best STUDY [--storage URL] [--format table|csv|json]", args,
                       options, query.positional, values))
    return 0;
  const Format format = query.chosen_format();
  const auto store = query.open();
  const StudyInfo study = store->study(query.study);
  if (!study.best_number)
    throw InputError(
        fmt::format("study '{}' has no complete trial yet ({} pruned, {} failed, {} running)",
                    study.name, study.pruned, study.failed, study.running));
  const std::vector<TrialInfo> trials = store->trials(study.id);
  const TrialInfo best = store->trial(study, *study.best_number);

  Cell record = trial_record(*store, study, best);
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
  }
  print_record(std::cout, record, format);
  return 0;
}

}  // namespace tunelab::cli
