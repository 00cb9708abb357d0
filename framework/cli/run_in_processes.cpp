#include "cli/run_in_processes.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "runner/study/worker_processes.h"

namespace tunelab::cli {

StudyInProcesses run_in_processes(const Experiment& experiment, const Registrar& registrar,
                                  Store& store, const std::string& storage,
                                  const WorkerOptions& worker, int workers) {
  const auto worker_arguments = [&](const StudyInfo& study, unsigned cores_each) {
    std::vector<std::string> arguments = {"worker",
                                          "--storage",
                                          storage,
                                          "--study",
                                          study.name,
                                          "--cores",
                                          std::to_string(cores_each),
                                          "--parent",
                                          std::to_string(getpid())};
    // Every library this process loaded (the experiment file's, --plugin's,
    // TUNELAB_PLUGIN_PATH's): a worker loads none that only the store names.
    for (const auto& p : registrar.plugins)
      arguments.insert(arguments.end(), {"--plugin", p.file.string()});
    for (const auto& a : worker.as_arguments()) arguments.push_back(a);
    return arguments;
  };
  const auto on_start = [&](const StudyInfo& study) {
    if (!worker.quiet)
      std::cout << fmt::format("study '{}': {} trials on {} worker processes (search.workers {})\n",
                               study.name, study.trials_wanted, workers,
                               experiment.config.search.workers)
                << std::flush;
  };
  const StudyInProcesses run = run_study_in_processes(experiment, registrar, store, worker.study,
                                                      workers, worker_arguments, on_start);
  for (const auto& e : run.failures)
    std::cerr << fmt::format("tunelab: worker {} {}\n", e.index + 1,
                             e.signal != 0 ? fmt::format("was ended by signal {}", e.signal)
                                           : fmt::format("exited with status {}", e.exit_status));
  return run;
}

}  // namespace tunelab::cli
