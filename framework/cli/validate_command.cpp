#include <yaml-cpp/yaml.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "runner/single_run.h"

namespace tunelab::cli {
namespace {

YAML::Node to_yaml(const nlohmann::json& value) {
  YAML::Node node;
  if (value.is_object()) {
    node = YAML::Node(YAML::NodeType::Map);
    for (const auto& item : value.items()) node[item.key()] = to_yaml(item.value());
    if (value.empty()) node.SetStyle(YAML::EmitterStyle::Flow);  // "{}" on the key's line
  } else if (value.is_array()) {
    node = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& item : value) node.push_back(to_yaml(item));
    node.SetStyle(YAML::EmitterStyle::Flow);
  } else if (value.is_string()) {
    node = value.get<std::string>();
  } else if (value.is_null()) {
    node = YAML::Node(YAML::NodeType::Null);
  } else {
    node = YAML::Load(value.dump());  // numbers and booleans, as JSON spells them
  }
  return node;
}

}  // namespace

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
  try {
    check_experiment(experiment, registrar);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  YAML::Emitter out;
  out << to_yaml(to_json(experiment.config));
  std::cout << "# " << experiment.file.string() << ": valid; resolved configuration:\n"
            << out.c_str() << "\n";
  return 0;
}

}  // namespace tunelab::cli
