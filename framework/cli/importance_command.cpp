#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "analysis/importance.h"
#include "cli/commands.h"
#include "cli/query_options.h"
#include "cli/study_importance.h"
#include "config/experiment_loader.h"

namespace tunelab::cli {

StudyImportance study_importance(const StudyInfo& study, const std::vector<TrialInfo>& trials) {
  StudyImportance out;
  out.table.columns = {"param", "importance"};
  SearchSpace space;
  try {
    space = interpret_experiment(study.document).search.space;
  } catch (const Error& e) {
    out.note = fmt::format("the stored configuration no longer reads: {}", e.what());
    return out;
  }
  if (space.empty()) {
    out.note = "the study has no search space";
    return out;
  }
  std::vector<ScoredParams> scored;
  for (const auto& t : trials)
    if (t.state == TrialState::complete && std::isfinite(t.value))
      scored.push_back({t.params, t.value});
  out.trials = static_cast<int>(scored.size());
  if (scored.size() < 2) {
    out.note = fmt::format("needs at least 2 complete trials, the study has {}", scored.size());
    return out;
  }
  // Seeded from the study: the same store gives the same importances.
  for (const auto& p : param_importance(space, scored, study.seed))
    out.table.rows.push_back({p.path, p.importance});
  return out;
}

int importance_command(const Arguments& args, Registrar&) {
  QueryOptions query;
  po::options_description options("tunelab importance");
  query.add_to(options, QueryOptions::Names::study);
  po::variables_map values;
  if (!parse_arguments("tunelab importance STUDY [--storage URL] [--format table|csv|json]", args,
                       options, query.positional, values))
    return 0;
  const Format format = query.chosen_format();
  const auto store = query.open();
  const StudyInfo study = store->study(query.study);
  const StudyImportance importance = study_importance(study, store->trials(study.id));
  if (importance.table.rows.empty())
    throw InputError(fmt::format("study '{}': no importance: {}", study.name, importance.note));
  if (format == Format::table)
    std::cout << fmt::format(
        "fANOVA importance of each param for {} over {} complete trials\n"
        "(each param's share of the variance that single params explain; they sum to 1)\n",
        study.metric, importance.trials);
  print_table(std::cout, importance.table, format);
  return 0;
}

}  // namespace tunelab::cli
