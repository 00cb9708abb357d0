#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "runner/study_importance.h"

namespace tunelab::cli {

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
  if (importance.params.empty())
    throw InputError(fmt::format("study '{}': no importance: {}", study.name, importance.note));
  Table table{{"param", "importance"}, {}};
  for (const ParamImportance& p : importance.params) table.rows.push_back({p.path, p.importance});
  if (format == Format::table)
    std::cout << fmt::format(
        "fANOVA importance of each param for {} over {} complete trials\n"
        "(each param's share of the variance that single params explain; they sum to 1)\n",
        study.metric, importance.trials);
  if (!importance.caveat.empty()) std::cerr << "note: importance " << importance.caveat << "\n";
  print_table(std::cout, table, format);
  return 0;
}

}  // namespace tunelab::cli
