#include "cli/experiment_options.h"

#include <fmt/format.h>

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

Experiment ExperimentOptions::with_workers(Experiment experiment, int workers) const {
  if (workers < 1 || workers > 1024)
    throw InputError(fmt::format("--workers: expected 1 to 1024, got {}", workers));
  if (workers == 1) return experiment;
  const auto search = experiment.document.find("search");
  const bool file_says =
      search != experiment.document.end() && search->is_object() && search->contains("workers");
  if (!file_says) {
    ExperimentOptions with = *this;
    with.overrides.push_back(fmt::format("search.workers={}", workers));
    return with.reload();
  }
  if (experiment.config.search.workers < workers)
    throw InputError(fmt::format(
        "--workers {}: more processes than the study runs trials at once (search.workers {})",
        workers, experiment.config.search.workers));
  return experiment;
}

}  // namespace tunelab::cli
