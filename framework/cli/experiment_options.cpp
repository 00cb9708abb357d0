#include "cli/experiment_options.h"

#include <iostream>

#include "plugin/loader.h"

namespace tunelab::cli {

void ExperimentOptions::add_to(po::options_description& options,
                               po::positional_options_description& positional) {
  auto add = options.add_options();
  add("experiment", po::value(&file)->required(), "experiment file (YAML)");
  add("set", po::value(&overrides)->composing(),
      "override a value: --set trainer.lr=0.01 (repeatable)");
  add("device", po::value(&device), "auto, cpu, cuda or cuda:K (overrides the file's device)");
  add("plugin", po::value(&plugins)->composing(), "load a plugin library (repeatable)");
  positional.add("experiment", 1);
}

Experiment ExperimentOptions::reload() const {
  std::vector<std::string> all = overrides;
  if (!device.empty()) all.push_back("device=" + device);
  return load_experiment(file, all);
}

Experiment ExperimentOptions::load(Registrar& registrar) const {
  Experiment experiment = reload();
  for (const auto& note : experiment.notes) std::cerr << "note: " << note << "\n";
  std::vector<std::filesystem::path> files = experiment.plugins;
  files.insert(files.end(), plugins.begin(), plugins.end());
  load_plugins(files, registrar);
  return experiment;
}

}  // namespace tunelab::cli
