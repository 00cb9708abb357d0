#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "runner/single_run.h"

namespace tunelab::cli {
namespace {

std::string number(double value) { return std::isnan(value) ? "-" : fmt::format("{:.6g}", value); }

}  // namespace

int run_command(const Arguments& args, const Registrar& registrar) {
  ExperimentOptions experiment_options;
  bool quiet = false;
  po::options_description options("tunelab run");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  options.add_options()("quiet,q", po::bool_switch(&quiet), "print only the summary");
  po::variables_map values;
  if (!parse_arguments("tunelab run EXPERIMENT.yaml [--set key=value ...] [--device D] [--quiet]",
                       args, options, positional, values))
    return 0;

  const Experiment experiment = experiment_options.load();
  const ExperimentConfig& config = experiment.config;
  const auto print_epoch = [&](const EpochRecord& e) {
    if (quiet) return true;
    if (e.epoch == 1)
      std::cout << fmt::format("{:>5}  {:>12}  {:>12}  {:>8}\n", "epoch", "train_loss", "val_loss",
                               "seconds");
    std::cout << fmt::format("{:>5}  {:>12}  {:>12}  {:>8.3f}\n", e.epoch, number(e.train_loss),
                             number(e.val_loss), e.seconds)
              << std::flush;
    return true;
  };

  RunSummary summary;
  try {
    summary = run_single(experiment, registrar, print_epoch);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }

  const TrainResult& r = summary.result;
  std::cout << fmt::format(
      "{}: {} parameters on {}, {} train / {} val / {} test rows, {} features, seed {}\n",
      config.name, summary.parameters, summary.device, summary.train_rows, summary.val_rows,
      summary.test_rows, summary.features, summary.trial_seed);
  std::cout << fmt::format("{} epochs{}; kept epoch {}: train_loss {}, val_loss {}, test_loss {}\n",
                           r.epochs.size(), r.stopped_early ? " (stopped early)" : "", r.best_epoch,
                           number(r.epochs[static_cast<std::size_t>(r.best_epoch - 1)].train_loss),
                           number(r.best_val_loss), number(r.test_loss));
  return 0;
}

}  // namespace tunelab::cli
