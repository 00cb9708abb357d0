#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "report/study_comparison.h"

namespace tunelab::cli {

int compare_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab compare", QueryCommand::Names::studies);
  if (!command.parse(args,
                     "tunelab compare STUDY [STUDY ...] [--storage URL] [--format table|csv|json]"))
    return 0;
  const Format format = command.format();
  const std::vector<StudyInfo> studies = command.studies();
  StudyQueries& store = command.store();
  std::vector<std::vector<TrialInfo>> trials;
  std::vector<std::optional<EnsembleInfo>> ensembles;
  for (const auto& s : studies) {
    trials.push_back(store.trials(s.id));
    ensembles.push_back(store.ensemble(s.id));
  }
  print_table(std::cout, comparison_table(studies, trials, ensembles), format);
  return 0;
}

}  // namespace tunelab::cli
