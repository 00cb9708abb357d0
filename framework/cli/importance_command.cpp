#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "runner/stored/study_importance.h"

namespace tunelab::cli {

int importance_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab importance", QueryCommand::Names::study);
  if (!command.parse(args, "tunelab importance STUDY [--storage URL] [--format table|csv|json]"))
    return 0;
  const Format format = command.format();
  const StudyInfo& study = command.study();
  const StudyImportance importance = study_importance(study, command.store().trials(study.id));
  if (importance.params.empty())
    throw InputError(fmt::format("study '{}': no importance: {}", study.name, importance.note));
  Table table{{"param", "importance"}, {}};
  for (const ParamImportance& p : importance.params) table.rows.push_back({p.path, p.importance});
  if (format == Format::table)
    std::cout << fmt::format(
        "fANOVA importance of each param for {} over {} complete trials\n{}", study.metric(),
        importance.trials,
        importance.conditional
            ? "(each param's share of the variance that single params explain, among the "
              "trials that searched it: a conditional param's share is of its own trials)\n"
            : "(each param's share of the variance that single params explain; they sum to 1)\n");
  if (!importance.caveat.empty()) std::cerr << "note: importance " << importance.caveat << "\n";
  print_table(std::cout, table, format);
  return 0;
}

}  // namespace tunelab::cli
