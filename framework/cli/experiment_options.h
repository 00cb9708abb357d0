#pragma once
// What every command that reads an experiment file accepts:
// EXPERIMENT.yaml [--set key.path=value ...] [--device D].

#include "cli/options.h"
#include "config/experiment_loader.h"

namespace tunelab::cli {

struct ExperimentOptions {
  std::string file;
  std::vector<std::string> overrides;
  std::string device;

  void add_to(po::options_description& options, po::positional_options_description& positional);
  // Loads the file with the overrides (--device is one more override).
  Experiment load() const;
};

}  // namespace tunelab::cli
