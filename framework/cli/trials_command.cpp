#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "common/near_matches.h"
#include "report/trial_listing.h"

namespace tunelab::cli {

int trials_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab trials", QueryCommand::Names::study);
  TrialListing how;
  auto add = command.add();
  add("sort", po::value(&how.sort),
      "order by a column: number (default), value, the metric, any loss or recorded metric "
      "(test_rmse, val_loss, ...; shown as a column), seconds, epochs, or a param (its path or "
      "short name)");
  add("desc", po::bool_switch(&how.descending), "largest first");
  add("metrics", po::bool_switch(&how.all_metrics),
      "a column for every loss and metric the trials recorded (test ones too)");
  add("top", po::value(&how.top),
      "only the first K; alone, the K best complete trials (by value, unless --sort or --state "
      "say otherwise)");
  add("state", po::value(&how.state),
      "only trials in this state (complete, pruned, fail, running)");
  add("pareto", po::bool_switch(&how.pareto),
      "only the Pareto front: the complete trials no other beats in every objective");
  if (!command.parse(args,
                     "tunelab trials STUDY [--sort COLUMN] [--desc] [--top K] [--state STATE] "
                     "[--pareto] [--metrics] [--storage URL] [--format table|csv|json]"))
    return 0;
  const Format format = command.format();
  if (command.given("top") && how.top < 1)
    throw InputError(fmt::format("--top: must be at least 1, got {}", how.top));
  std::string& state = how.state;
  if (how.top > 0 && state.empty()) state = "complete";
  std::transform(state.begin(), state.end(), state.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const std::vector<std::string> states = {"WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAIL"};
  if (!state.empty() && std::find(states.begin(), states.end(), state) == states.end())
    throw InputError("--state: " + unknown_name_message("state", state, states));

  const StudyInfo& study = command.study();
  print_table(std::cout, trial_listing(study, command.store().trials(study.id), how), format);
  return 0;
}

}  // namespace tunelab::cli
