#include <fmt/format.h>
#include <torch/torch.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "cli/output_file.h"
#include "model/autograd_graph.h"
#include "model/parameter_count.h"
#include "plugin/assembly.h"
#include "plugin/registrar.h"
#include "report/model_tensors.h"
#include "report/table.h"
#include "runner/prepare/prepared_data.h"
#include "runner/trial/trial_model.h"
#include "store/store.h"

namespace tunelab::cli {
namespace {

// The graph format from the file name: .svg, .png or .dot.
std::string graph_format(const std::string& file) {
  const std::string extension = std::filesystem::path(file).extension().string();
  if (extension == ".svg" || extension == ".png" || extension == ".dot") return extension.substr(1);
  throw InputError(fmt::format("--graph: '{}' should end in .svg, .png or .dot", file));
}

}  // namespace

int model_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  std::int64_t input_dim = 0, output_dim = 1;
  std::string graph;
  bool tensors = false;
  po::options_description options("tunelab model");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  auto add = options.add_options();
  add("input-dim", po::value(&input_dim), "number of input features (default: the data set's)");
  add("output-dim", po::value(&output_dim), "number of outputs (default 1)");
  add("tensors", po::bool_switch(&tensors), "also list every parameter and buffer with its shape");
  add("graph", po::value(&graph),
      "draw the autograd graph of one forward pass into this file (.svg, .png or .dot; needs "
      "Graphviz)");
  po::variables_map values;
  if (!parse_arguments(
          "tunelab model EXPERIMENT.yaml [--set key=value ...] [--input-dim N] [--tensors] "
          "[--graph FILE.svg]",
          args, options, positional, values))
    return 0;
  const std::string format = graph.empty() ? "" : graph_format(graph);
  // Checked before the data loads; the default results store is kept safe.
  const std::optional<OutputFile> graph_file =
      graph.empty()
          ? std::nullopt
          : std::optional<OutputFile>(std::in_place, "--graph", graph,
                                      sqlite_store_files(sqlite_path_from_url(kDefaultStorage)));

  const Experiment experiment = experiment_options.load(registrar);
  torch::nn::Sequential model;
  try {
    // Sized by the data as a trial sees it: encoded columns, one logit per
    // class (or one for two).
    std::optional<FeatureEncoding> encoding;
    if (input_dim < 1) {
      const PreparedData data = prepare_data(experiment.config, experiment.base_dir, registrar);
      input_dim = data.features;
      output_dim = data.targets;
      encoding = data.scaling.encoding;
    }
    model = build_trial_model(registrar, experiment.config, encoding, input_dim, output_dim);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  std::cout << *model << "\n"
            << fmt::format("{} -> {}: {} parameters\n", input_dim, output_dim,
                           parameter_count(*model));
  if (tensors) {
    std::cout << "\n";
    print_table(std::cout, tensor_table(*model), Format::table);
  }
  if (!graph.empty()) {
    const std::string dot = autograd_graph_dot(model, input_dim);
    graph_file->write(format == "dot" ? dot : render_dot(dot, format));
    std::cerr << fmt::format("autograd graph written to {}\n", graph);
  }
  return 0;
}

}  // namespace tunelab::cli
