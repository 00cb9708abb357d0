#pragma once
// What every command that reads an experiment file accepts:
// EXPERIMENT.yaml [--set key.path=value ...] [--device D] [--plugin LIB.so ...].

#include "cli/options.h"
#include "config/experiment_loader.h"
#include "plugin/registrar.h"

namespace tunelab::cli {

struct ExperimentOptions {
  std::string file;
  std::vector<std::string> overrides;
  std::string device;
  std::vector<std::string> plugins;

  void add_to(po::options_description& options, po::positional_options_description& positional);
  // Loads the file with the overrides (--device is one more override), then
  // the plugins: TUNELAB_PLUGIN_PATH's, the file's `plugins:`, --plugin's.
  Experiment load(Registrar& registrar) const;
  // The file again (with changed overrides), its plugins already loaded.
  Experiment reload() const;
  // `experiment` for `--workers N`: the study's parallelism is part of its
  // configuration (it decides what each trial is proposed from), so
  // search.workers becomes N unless the file sets it; a file that sets fewer
  // is an InputError.
  Experiment with_workers(Experiment experiment, int workers) const;
};

}  // namespace tunelab::cli
