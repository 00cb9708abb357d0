#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "config/json_to_yaml.h"
#include "runner/single_run.h"
#include "runner/study.h"
#include "runner/trial_training.h"

namespace tunelab::cli {

int validate_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  po::options_description options("tunelab validate");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  po::variables_map values;
  if (!parse_arguments("tunelab validate EXPERIMENT.yaml [--set key=value ...]", args, options,
                       positional, values))
    return 0;

  const Experiment experiment = experiment_options.load(registrar);
  ExperimentConfig resolved;
  try {
    check_experiment(experiment, registrar);
    // The data too, read, split and checked as a run would (nothing trains):
    // a file validate accepts is one run accepts.
    resolved = resolved_config(experiment.config, load_study_data(experiment, registrar), registrar);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  std::cout << "# " << experiment.file.string() << ": valid; resolved configuration:\n"
            << json_to_yaml(to_json(resolved)) << "\n";
  return 0;
}

}  // namespace tunelab::cli
