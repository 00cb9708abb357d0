#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/experiment_options.h"
#include "common/errors.h"
#include "config/json_to_yaml.h"
#include "report/table.h"
#include "runner/checks/experiment_checks.h"
#include "runner/prepare/prepared_data.h"
#include "runner/study/study.h"

namespace tunelab::cli {

namespace {

// How many cells of the column `name` are missing, over every row of the
// split (training, validation and test).
std::int64_t missing_cells(const Splits& raw, const std::string& name) {
  std::int64_t count = 0;
  for (const Dataset* rows : {&raw.train, &raw.val, &raw.test}) {
    const auto columns = rows->feature_columns();
    for (std::size_t j = 0; j < columns.size(); ++j)
      if (columns[j].name == name && rows->rows() > 0)
        count += rows->x.select(1, static_cast<std::int64_t>(j)).isnan().sum().item<std::int64_t>();
  }
  return count;
}

// Each column the model reads, as the training rows made it: its kind, its
// missing cells, and what stands in for one (a numeric column gains a 0/1
// "was missing" column only where its training rows had a missing cell).
Table columns_table(const PreparedData& data) {
  Table table{{"column", "read as", "encoded", "missing", "when missing"}, {}};
  for (const ColumnEncoding& c : data.scaling.encoding->columns()) {
    const Cell missing(missing_cells(data.raw, c.name));
    if (c.kind == ColumnKind::numeric) {
      table.rows.push_back({c.name, "numbers", "as is", missing,
                            c.indicator ? fmt::format("median {:g} + a 0/1 column", c.fill)
                                        : fmt::format("median {:g}", c.fill)});
    } else {
      table.rows.push_back({c.name, fmt::format("{} categories", c.levels.size()),
                            c.embedded ? "embedded" : "one-hot", missing,
                            c.missing_level ? "a level of its own" : "no level"});
    }
  }
  for (const auto& name : data.target_names)
    table.rows.push_back({name,
                          data.classes.empty()
                              ? std::string("target: numbers")
                              : fmt::format("target: {} classes", data.classes.size()),
                          "", "", ""});
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
    const Splits& raw = data.whole.raw;
    std::cout << "# " << experiment.file.string() << ": valid; the columns, as the "
              << raw.train.rows() << " training rows read them (missing: cells of all "
              << raw.train.rows() + raw.val.rows() + raw.test.rows() << " rows):\n";
    print_table(std::cout, columns_table(data.whole), Format::table);
    return 0;
  }
  std::cout << "# " << experiment.file.string() << ": valid; resolved configuration:\n"
            << json_to_yaml(to_json(resolved)) << "\n";
  return 0;
}

}  // namespace tunelab::cli
