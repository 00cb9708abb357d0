#include <fmt/format.h>
#include <torch/torch.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "model/build.h"
#include "plugin/registrar.h"
#include "runner/single_run.h"

namespace tunelab::cli {

int model_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  std::int64_t input_dim = 0, output_dim = 1;
  po::options_description options("tunelab model");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  auto add = options.add_options();
  add("input-dim", po::value(&input_dim), "number of input features (default: the data set's)");
  add("output-dim", po::value(&output_dim), "number of outputs (default 1)");
  po::variables_map values;
  if (!parse_arguments("tunelab model EXPERIMENT.yaml [--set key=value ...] [--input-dim N]", args,
                       options, positional, values))
    return 0;

  const Experiment experiment = experiment_options.load(registrar);
  try {
    if (input_dim < 1) {
      const Dataset data = load_dataset(experiment.config, experiment.base_dir, registrar);
      input_dim = data.features();
      output_dim = data.targets();
    }
    const torch::nn::Sequential model =
        build_model(registrar, experiment.config.model, input_dim, output_dim);
    std::cout << *model << "\n"
              << fmt::format("{} -> {}: {} parameters\n", input_dim, output_dim,
                             parameter_count(*model));
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  return 0;
}

}  // namespace tunelab::cli
