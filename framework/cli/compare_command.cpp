#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "common/errors.h"
#include "report/study_comparison.h"

namespace tunelab::cli {

int compare_command(const Arguments& args, Registrar&) {
  QueryOptions query;
  po::options_description options("tunelab compare");
  query.add_to(options, QueryOptions::Names::studies);
  po::variables_map values;
  if (!parse_arguments(
          "tunelab compare STUDY [STUDY ...] [--storage URL] [--format table|csv|json]", args,
          options, query.positional, values))
    return 0;
  const Format format = query.chosen_format();
  const auto store = query.open();
  const std::vector<StudyInfo> studies = query.named_studies(*store);
  std::vector<std::vector<TrialInfo>> trials;
  std::vector<std::optional<EnsembleInfo>> ensembles;
  for (const auto& s : studies) {
    trials.push_back(store->trials(s.id));
    ensembles.push_back(store->ensemble(s.id));
  }
  print_table(std::cout, comparison_table(studies, trials, ensembles), format);
  return 0;
}

}  // namespace tunelab::cli
