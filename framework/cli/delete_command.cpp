#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "runner/study/study.h"

namespace tunelab::cli {

int delete_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab delete", QueryCommand::Names::study, /*with_format=*/false);
  bool yes = false;
  command.add()("yes", po::bool_switch(&yes), "really delete (without it, only say what would go)");
  if (!command.parse(args, "tunelab delete STUDY --yes [--storage URL]")) return 0;
  const StudyInfo study = command.study();
  const std::string what = fmt::format(
      "study '{}' ({} trials: {} complete, {} pruned, {} failed, {} running or waiting)",
      study.name, study.trials(), study.complete, study.pruned, study.failed, study.running);
  if (!yes)
    throw InputError(fmt::format(
        "this would delete {} with its curves and weights files; add --yes to delete it", what));
  const auto store = Store::open(command.storage());
  // A study that a live process is running would lose its trials under it;
  // a worker silent for as long as a study waits before taking over is gone.
  const double lost_after = StudyOptions{}.lost_after_seconds;
  for (const auto& running : store->queue().running_trials(study.id))
    if (running.silent_seconds < lost_after)
      throw InputError(fmt::format(
          "study '{}' has trial {} running (worker {}); stop its run before deleting it",
          study.name, running.number, running.worker.empty() ? "?" : running.worker));
  store->delete_study(study.id);
  std::cout << fmt::format("deleted {} from {}\n", what, store->url());
  return 0;
}

}  // namespace tunelab::cli
