#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "cli/run_printer.h"
#include "cli/worker_options.h"
#include "common/cores.h"
#include "report/text.h"
#include "runner/interrupt.h"
#include "runner/single_run.h"
#include "runner/study.h"
#include "runner/worker_processes.h"

namespace tunelab::cli {
namespace {

// The end of a study: the best trial with its test loss and params, where
// the results are, and what to run next.
void print_best(Store& store, const StudySummary& summary, const std::string& metric,
                const std::string& storage) {
  const TrialInfo best = store.trial(store.study(summary.name), summary.best->number);
  std::cout << fmt::format("best: trial {}  {} {}", best.number, metric, shown(best.value))
            << (best.epochs_run > 0
                    ? fmt::format("  test_loss {}  (epoch {} of {})", shown(best.test_loss),
                                  best.best_epoch.value_or(0), best.epochs_run)
                    : "")
            << "\n";
  for (const auto& [path, value] : best.params)
    std::cout << fmt::format("  {:<24} {}\n", path,
                             value.is_string()         ? value.get<std::string>()
                             : value.is_number_float() ? shown(value.get<double>())
                                                       : value.dump());
  const std::string store_option =
      storage == kDefaultStorage ? "" : " --storage " + shell_word(shown_url(storage));
  std::cout << fmt::format(
      "store: {}\nnext:  tunelab report {} --html {}.html{}\n",
      store.is_postgresql() ? store.url() : sqlite_path_from_url(store.url()).string(),
      shell_word(summary.name), file_name_for(summary.name), store_option);
}

// `--workers N`: the study is created here, then N worker processes run its
// trials; what they ran is read back from the store.
StudySummary run_workers(const Experiment& experiment, const Registrar& registrar, Store& store,
                         const std::string& storage, const WorkerOptions& worker,
                         const std::vector<std::string>& plugins, int workers) {
  const StudyRecord study = prepare_study(experiment, registrar, store, worker.study);
  const unsigned cores = usable_cores();
  if (!worker.quiet)
    std::cout << fmt::format("study '{}': {} trials on {} worker processes (search.workers {})\n",
                             study.name, study.trials_wanted, workers,
                             experiment.config.search.workers)
              << std::flush;
  std::vector<std::string> arguments = {
      "worker",
      "--storage",
      storage,
      "--study",
      study.name,
      "--cores",
      std::to_string(std::max(1U, cores / static_cast<unsigned>(workers))),
      "--parent",
      std::to_string(getpid())};
  for (const auto& p : plugins)
    arguments.insert(arguments.end(), {"--plugin", std::filesystem::absolute(p).string()});
  for (const auto& a : worker.as_arguments()) arguments.push_back(a);
  const auto exits =
      run_worker_processes(std::vector<std::vector<std::string>>(workers, arguments));
  StudySummary summary = study_summary(store, study);
  if (interrupt_signal() != 0) summary.stopped_because = StopReason::interrupted;
  for (const auto& e : exits)
    if (e.exit_status != 0 && summary.stopped_because != StopReason::interrupted)
      std::cerr << fmt::format("tunelab: worker {} {}\n", e.index + 1,
                               e.signal != 0 ? fmt::format("was ended by signal {}", e.signal)
                                             : fmt::format("exited with status {}", e.exit_status));
  return summary;
}

}  // namespace

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
  if (workers < 1 || workers > 1024)
    throw InputError(fmt::format("--workers: expected 1 to 1024, got {}", workers));

  Experiment experiment = experiment_options.load(registrar);
  if (workers > 1) {
    // The study's parallelism is part of its configuration: it decides what
    // each trial is proposed from.
    const auto search = experiment.document.find("search");
    const bool file_says =
        search != experiment.document.end() && search->is_object() && search->contains("workers");
    if (!file_says) {
      ExperimentOptions with_workers = experiment_options;
      with_workers.overrides.push_back(fmt::format("search.workers={}", workers));
      experiment = with_workers.reload();
    } else if (experiment.config.search.workers < workers) {
      throw InputError(fmt::format(
          "--workers {}: more processes than the study runs trials at once (search.workers {})",
          workers, experiment.config.search.workers));
    }
  }
  const ExperimentConfig& config = experiment.config;
  const bool single =
      config.search.space.empty() && study_options.trials.value_or(config.search.trials) == 1;
  RunPrinter printer(config, quiet, single);
  // A PostgreSQL store is a database the user made: it stays.
  const std::filesystem::path store_file =
      is_postgresql_url(storage) ? std::filesystem::path() : sqlite_path_from_url(storage);
  std::error_code ec;
  const bool store_is_new = !store_file.empty() && !std::filesystem::exists(store_file, ec);
  auto store = Store::open(storage);
  // A store this run created goes again when the run stops on bad input
  // before it wrote a study: bad input leaves nothing behind.
  const auto drop_new_empty_store = [&] {
    if (!store_is_new || !store->studies().empty()) return;
    store.reset();
    std::filesystem::remove(store_file, ec);
  };

  // A single training run is recorded whenever it runs: run again (with
  // other --set values, say), it becomes the next free name, NAME-2, NAME-3.
  if (single && study_options.study_name.empty() && !study_options.resume &&
      store->find_study(config.name)) {
    int n = 2;
    while (store->find_study(fmt::format("{}-{}", config.name, n))) ++n;
    study_options.study_name = fmt::format("{}-{}", config.name, n);
  }

  // Worker processes hear of Ctrl-C from this one. A study in this process
  // takes the signals itself once its data is loaded: until then Ctrl-C ends
  // it at once, as nothing is being trained.
  if (workers > 1) install_interrupt_handlers();
  StudySummary summary;
  try {
    summary = workers > 1
                  ? run_workers(experiment, registrar, *store, storage, worker,
                                experiment_options.plugins, workers)
                  : run_study(experiment, registrar, *store, study_options, printer.observer());
  } catch (const ConfigError& e) {
    drop_new_empty_store();
    throw experiment.places.locate(e);
  } catch (const InputError&) {
    drop_new_empty_store();
    throw;
  }

  const std::string where = fmt::format("study '{}' in {}", summary.name, store->url());
  if (summary.stopped_because == StopReason::interrupted)
    throw Error(
        fmt::format("interrupted: {} has {} complete, {} pruned, {} failed trials; --resume "
                    "continues it",
                    where, summary.complete, summary.pruned, summary.failed));
  if (summary.complete == 0 && summary.pruned == 0 && summary.failed > 0)
    throw Error(fmt::format("every trial of {} failed; the last, {}", where, printer.last_error()));
  if (single) {
    std::cout << fmt::format("{}: recorded as {}\n", config.name, where);
  } else {
    std::cout << fmt::format("{}: {} complete, {} pruned, {} failed (stopped: {})\n", where,
                             summary.complete, summary.pruned, summary.failed,
                             to_string(summary.stopped_because));
    if (summary.best) print_best(*store, summary, config.search.metric, storage);
  }
  return 0;
}

}  // namespace tunelab::cli
