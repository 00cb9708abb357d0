#pragma once
// Reading an experiment file: YAML, --set overrides, and a check of every key
// and value's type. Errors point at the file: "exp.yaml:14:11: model.act_fn: ...".

#include <filesystem>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "config/source_map.h"

namespace tunelab {

struct Experiment {
  ExperimentConfig config;
  std::filesystem::path file;
  // Relative data paths are resolved against the experiment file's folder.
  std::filesystem::path base_dir;
  SourceMap places;
  // The file's document with the overrides applied: trials set their params
  // into a copy of it.
  nlohmann::json document;
  // The `plugins:` libraries, resolved against base_dir.
  std::vector<std::filesystem::path> plugins;
  // What the user should hear about how the file was read: a --set that
  // fixed a value the search space varied.
  std::vector<std::string> notes;
};

// The configuration a document states (throws ConfigError keyed by path).
ExperimentConfig interpret_experiment(const nlohmann::json& document);

// The configuration of one trial: `params` set into a copy of the document.
ExperimentConfig config_with_params(const nlohmann::json& document, const Params& params);

// Throws InputError (already located) for anything wrong with the file.
Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides = {});

// The same from text, `origin` naming it in messages (tests, stdin).
Experiment load_experiment_text(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& overrides = {});

}  // namespace tunelab
