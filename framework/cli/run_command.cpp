#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "cli/run_ending.h"
#include "cli/run_in_processes.h"
#include "cli/run_printer.h"
#include "cli/run_store.h"
#include "cli/worker_options.h"
#include "runner/study/interrupt.h"

#include "runner/study/study.h"

namespace tunelab::cli {

int run_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  WorkerOptions worker;
  StudyOptions& study_options = worker.study;
  std::string storage = kDefaultStorage;
  int trials = 0, workers = 1;
  po::options_description options("tunelab run");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  auto add = options.add_options();
  add("storage", po::value(&storage), "results store (default sqlite:///results/tunelab.db)");
  add("study", po::value(&study_options.study_name), "study name (default: the experiment's name)");
  add("trials", po::value(&trials), "trial budget (default: search.trials)");
  add("resume", po::bool_switch(&study_options.resume), "continue the study of this name");
  add("allow-data-change", po::bool_switch(&study_options.allow_data_change),
      "with --resume: go on although the data set or a plugin changed since");
  add("workers", po::value(&workers),
      "run the study in N processes here (default 1; sets search.workers unless the file does)");
  worker.add_to(options);
  po::variables_map values;
  if (!parse_arguments(
          "tunelab run EXPERIMENT.yaml [--set key=value ...] [--storage URL] [--study NAME] "
          "[--trials N] [--workers N] [--resume] [--threads N] [--device D] [--keep-weights "
          "best|all|none] [--lost-after SECONDS] [--quiet]",
          args, options, positional, values))
    return 0;
  if (values.count("trials")) study_options.trials = trials;
  worker.finish();
  const bool quiet = worker.quiet;
  const Experiment experiment =
      experiment_options.with_workers(experiment_options.load(registrar), workers);
  const ExperimentConfig& config = experiment.config;
  const bool single =
      config.search.space.empty() && study_options.trials.value_or(config.search.trials) == 1;
  RunPrinter printer(config, quiet, single);
  RunStore store(storage);

  // A single training run is recorded whenever it runs: run again (with
  // other --set values, say), it becomes NAME-2, NAME-3.
  study_options.number_taken_name = single && study_options.study_name.empty();

  // Worker processes hear of Ctrl-C from this one. A study in this process
  // takes the signals itself once its data is loaded: until then Ctrl-C ends
  // it at once, as nothing is being trained.
  if (workers > 1) install_interrupt_handlers();
  StudySummary summary;
  bool worker_failed = false;
  try {
    if (workers > 1) {
      const StudyInProcesses run =
          run_in_processes(experiment, registrar, *store, storage, worker, workers);
      summary = run.summary;
      worker_failed = !run.failures.empty();
    } else {
      summary = run_study(experiment, registrar, *store, study_options, printer.observer());
    }
  } catch (const ConfigError& e) {
    store.drop_if_new_and_empty();
    throw experiment.places.locate(e);
  } catch (const InputError&) {
    store.drop_if_new_and_empty();
    throw;
  }
  const std::vector<std::string> ensemble = run_ensemble(*store, summary, config, registrar);
  print_run_ending(*store, summary, config, storage, single, printer, ensemble);
  // A worker that died is a failure of the run, whatever the others did.
  return worker_failed ? 1 : 0;
}

}  // namespace tunelab::cli
