#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "common/errors.h"
#include "config/json_to_yaml.h"
#include "report/table.h"
#include "runner/single_run.h"
#include "runner/study.h"
#include "runner/trial_training.h"

namespace tunelab::cli {

namespace {

// Each column the model reads, as the training rows made it: its kind, and
// what stands in for a missing cell.
Table columns_table(const PreparedData& data) {
  Table table{{"column", "read as", "encoded", "when missing"}, {}};
  for (const ColumnEncoding& c : data.scaling.encoding->columns()) {
    if (c.kind == ColumnKind::numeric) {
      table.rows.push_back({c.name, "numbers", "as is",
                            c.indicator ? fmt::format("median {:g}, and a 0/1 column", c.fill)
                                        : fmt::format("median {:g} (none in training)", c.fill)});
    } else {
      table.rows.push_back({c.name, fmt::format("categories ({} levels)", c.levels.size()),
                            c.embedded ? "embedded" : "one-hot",
                            c.missing_level ? "a level of its own" : "no level"});
    }
  }
  for (const auto& name : data.target_names)
    table.rows.push_back({name,
                          data.classes.empty()
                              ? std::string("target: numbers")
                              : fmt::format("target: {} classes", data.classes.size()),
                          "", ""});
  return table;
}

}  // namespace

int validate_command(const Arguments& args, Registrar& registrar) {
  ExperimentOptions experiment_options;
  po::options_description options("tunelab validate");
  po::positional_options_description positional;
  experiment_options.add_to(options, positional);
  bool columns = false;
  options.add_options()("columns", po::bool_switch(&columns),
                        "how each column of the data set was read, instead of the configuration");
  po::variables_map values;
  if (!parse_arguments("tunelab validate EXPERIMENT.yaml [--set key=value ...] [--columns]", args,
                       options, positional, values))
    return 0;

  const Experiment experiment = experiment_options.load(registrar);
  ExperimentConfig resolved;
  Folds data;
  try {
    check_experiment(experiment, registrar);
    // The data too, read, split and checked as a run would (nothing trains):
    // a file validate accepts is one run accepts.
    data = load_study_data(experiment, registrar);
    resolved = resolved_config(experiment.config, data, registrar);
  } catch (const ConfigError& e) {
    throw experiment.places.locate(e);
  }
  for (const auto& note : data.whole.notes) std::cerr << "note: " << note << "\n";
  if (columns) {
    if (experiment.config.evaluates_objective())
      throw InputError("--columns: an objective experiment reads no data set");
    std::cout << "# " << experiment.file.string() << ": valid; the columns, as the "
              << data.whole.raw.train.rows() << " training rows read them:\n";
    print_table(std::cout, columns_table(data.whole), Format::table);
    return 0;
  }
  std::cout << "# " << experiment.file.string() << ": valid; resolved configuration:\n"
            << json_to_yaml(to_json(resolved)) << "\n";
  return 0;
}

}  // namespace tunelab::cli
