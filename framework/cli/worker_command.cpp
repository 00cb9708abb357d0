// tunelab worker: one more process working on a study that exists in a
// store, on this machine or another that reaches the store. Everything it
// needs comes from the store: the experiment as it was run (with its --set
// values), the budget, the trials so far; all but plugin libraries, which
// only the user names.

#include <fmt/format.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/run_printer.h"
#include "cli/study_plugins.h"
#include "cli/worker_options.h"
#include "common/cores.h"
#include "common/errors.h"
#include "runner/study/interrupt.h"
#include "runner/study/study.h"

namespace tunelab::cli {

int worker_command(const Arguments& args, Registrar& registrar) {
  std::string storage = kDefaultStorage, study_name;
  WorkerOptions worker;
  std::vector<std::string> plugins;
  unsigned cores = 0;
  pid_t parent = 0;
  po::options_description described("tunelab worker");
  auto add = described.add_options();
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  add("study", po::value(&study_name)->required(), "the study to work on");
  add("cores", po::value(&cores), "CPU cores this worker may keep busy (default: all)");
  add("plugin", po::value(&plugins)->composing(), "load a plugin library (repeatable)");
  add("parent", po::value(&parent), "stop (as on SIGTERM) when this process ends (run --workers)");
  worker.add_to(described);
  po::positional_options_description positional;
  po::variables_map values;
  if (!parse_arguments(
          "tunelab worker --study NAME [--storage URL] [--threads N] [--cores N] "
          "[--keep-weights best|all|none] [--lost-after SECONDS] [--plugin LIB.so ...] "
          "[--quiet]",
          args, described, positional, values))
    return 0;
  worker.finish();
  if (parent > 0) {
    // A worker of `run --workers` stops with its parent, even one killed
    // outright, rather than working on alone.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) return 1;  // the parent was gone before prctl
  }
  StudyOptions& options = worker.study;
  const bool quiet = worker.quiet;
  if (values.count("cores")) {
    if (cores < 1) throw InputError("--cores: must be at least 1");
    limit_usable_cores(cores);
  }

  // A worker never creates a store: the study must be there already.
  const StudyInfo info = Store::open_existing(storage)->study(study_name);
  const auto store = Store::open(storage);
  Experiment experiment;
  experiment.document = info.document;
  experiment.file = info.experiment_file;
  experiment.base_dir = std::filesystem::path(info.experiment_file).parent_path();
  try {
    experiment.config = interpret_experiment(info.document);
  } catch (const ConfigError& e) {
    throw InputError(
        fmt::format("study '{}': its stored experiment no longer reads: {}", info.name, e.what()));
  }
  // The libraries the stored experiment names are data here, not
  // instructions: the user names them with --plugin (run --workers passes its
  // own), and they must be the ones the study ran with.
  require_study_plugins(info.name,
                        load_study_plugins(store->provenance(info.id), plugins, registrar));

  const auto study = store->find_study(info.name);
  options.study_name = info.name;
  options.resume = true;
  RunPrinter printer(experiment.config, quiet, /*single=*/false, /*progress=*/false);
  const StudySummary summary =
      work_on_study(experiment, registrar, *store, *study, options, printer.observer());
  if (summary.stopped_because == StopReason::interrupted)
    throw InterruptedError(
        fmt::format("interrupted: worker {} stopped after {} trials", getpid(), summary.ran_now));
  if (!quiet)
    std::cout << fmt::format("worker {}: ran {} trials of study '{}' (stopped: {})\n", getpid(),
                             summary.ran_now, info.name, to_string(summary.stopped_because));
  return 0;
}

}  // namespace tunelab::cli
