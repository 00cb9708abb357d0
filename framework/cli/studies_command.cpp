#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "report/study_front.h"
#include "report/table.h"
#include "report/trial_table.h"

namespace tunelab::cli {

int studies_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab studies", QueryCommand::Names::none);
  if (!command.parse(args, "tunelab studies [--storage URL] [--format table|csv|json]")) return 0;
  const Format format = command.format();
  StudyQueries& store = command.store();

  Table table{{"study", "trials", "complete", "pruned", "failed", "running", "metric", "best",
               "best_trial", "created", "wall_s"},
              {}};
  for (const auto& s : store.studies()) {
    if (s.objectives.size() > 1) {
      // Several objectives: no one best, a front of trials none beats in all.
      const auto front = pareto_trials(s, store.trials(s.id)).size();
      table.rows.push_back({s.name, s.trials(), s.complete, s.pruned, s.failed, s.running,
                            objective_names(s), Cell(), fmt::format("front of {}", front),
                            s.created_at.substr(0, 19), number_cell(s.wall_seconds)});
      continue;
    }
    table.rows.push_back({s.name, s.trials(), s.complete, s.pruned, s.failed, s.running, s.metric(),
                          number_cell(s.best_value), s.best_number ? Cell(*s.best_number) : Cell(),
                          s.created_at.substr(0, 19), number_cell(s.wall_seconds)});
  }
  print_table(std::cout, table, format);
  return 0;
}

}  // namespace tunelab::cli
