#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_options.h"
#include "cli/study_plugins.h"
#include "cli/table.h"
#include "common/errors.h"
#include "config/experiment_loader.h"
#include "data/csv_table.h"
#include "model/build.h"
#include "plugin/registrar.h"
#include "runner/weights.h"

namespace tunelab::cli {
namespace {

// The trial whose weights to use: the one asked for, else the study's best.
TrialInfo chosen_trial(Store& store, const StudyInfo& study, std::optional<int> number) {
  if (number) return store.trial(study, *number);
  if (!study.best_number)
    throw InputError(fmt::format("study '{}' has no complete trial to predict with", study.name));
  return store.trial(study, *study.best_number);
}

std::string kept_list(Store& store, const StudyInfo& study) {
  std::string list;
  for (const auto& t : store.trials(study.id))
    if (store.weights(t.id)) list += (list.empty() ? "" : ", ") + std::to_string(t.number);
  return list.empty() ? "none" : list;
}

}  // namespace

int predict_command(const Arguments& args, Registrar& registrar) {
  QueryOptions query;
  std::string input, output;
  int number = 0;
  po::options_description options("tunelab predict");
  query.add_to(options, QueryOptions::Names::study, /*with_format=*/false);
  auto add = options.add_options();
  add("trial", po::value(&number), "the trial whose weights to use (default: the best)");
  add("input,i", po::value(&input)->required(),
      "CSV file with a header naming the model's input columns (others are copied through)");
  add("output,o", po::value(&output), "write the predictions here (default: standard output)");
  std::vector<std::string> plugins;
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable; stands in for a recorded one of the same name)");
  po::variables_map values;
  if (!parse_arguments("tunelab predict STUDY [--trial N] --input rows.csv [--output preds.csv|-] "
                       "[--storage URL]",
                       args, options, query.positional, values))
    return 0;
  const auto store = query.open();
  const OutputFile target("--output", output, store->files());
  const StudyInfo study = store->study(query.study);
  const TrialInfo trial = chosen_trial(
      *store, study, values.count("trial") ? std::optional<int>(number) : std::nullopt);
  for (const auto& note : load_study_plugins(store->provenance(study.id), plugins, registrar))
    std::cerr << "note: " << note << "\n";
  const auto weights = store->weights(trial.id);
  if (!weights)
    throw InputError(fmt::format(
        "study '{}' trial {}: no weights were kept (trials with weights: {}; tunelab run "
        "--keep-weights all keeps every trial's)",
        study.name, trial.number, kept_list(*store, study)));

  const ExperimentConfig config = config_with_params(study.document, trial.params);
  const auto inputs = static_cast<std::int64_t>(weights->features.size());
  const auto outputs = static_cast<std::int64_t>(weights->targets.size());
  const TrainedModels models = load_weights(
      weights->file, [&] { return build_model(registrar, config.model, inputs, outputs); },
      trial.seed);

  const CsvTable table = read_numeric_csv(input);
  std::vector<std::size_t> feature_columns;
  std::vector<std::string> missing;
  for (const auto& name : weights->features) {
    const auto found = std::find(table.header.begin(), table.header.end(), name);
    if (found == table.header.end()) missing.push_back(name);
    feature_columns.push_back(static_cast<std::size_t>(found - table.header.begin()));
  }
  if (!missing.empty()) {
    // Names the first missing column (with a near match in the file), then
    // every column the model reads.
    try {
      table.column(missing.front(), "--input");
    } catch (const ConfigError& e) {
      throw InputError(
          fmt::format("--input {}: the model of study '{}' trial {} reads column{} "
                      "that the file lacks ({}); it reads {}",
                      input, study.name, trial.number, missing.size() > 1 ? "s" : "", e.what(),
                      fmt::join(weights->features, ", ")));
    }
  }
  const auto rows = static_cast<std::int64_t>(table.rows.size());
  torch::Tensor x = torch::empty({rows, inputs});
  auto xa = x.accessor<float, 2>();
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < inputs; ++j)
      xa[i][j] = static_cast<float>(
          table.rows[static_cast<std::size_t>(i)][feature_columns[static_cast<std::size_t>(j)]]);
  const torch::Tensor in_target_units =
      rows > 0 ? predict_in_target_units(models, x) : torch::empty({0, outputs});

  // With the targets in the file: the study's loss on these rows, in the
  // units it trained in (what the stored test_loss is).
  bool has_targets = rows > 0;
  for (const auto& name : weights->targets)
    has_targets &= std::find(table.header.begin(), table.header.end(), name) != table.header.end();
  if (has_targets) {
    torch::Tensor y = torch::empty({rows, outputs});
    auto ya = y.accessor<float, 2>();
    for (std::int64_t j = 0; j < outputs; ++j) {
      const std::size_t c = table.column(weights->targets[static_cast<std::size_t>(j)], "--input");
      for (std::int64_t i = 0; i < rows; ++i)
        ya[i][j] = static_cast<float>(table.rows[static_cast<std::size_t>(i)][c]);
    }
    const Scaling& units = models.units;
    const torch::Tensor predicted = units.y ? units.y->apply(in_target_units) : in_target_units;
    if (units.y) y = units.y->apply(y);
    const auto loss = registrar.losses.factory(config.trainer.loss)(config.trainer.loss_args);
    std::cerr << fmt::format("{} loss on {} rows with targets: {:.9g}\n", config.trainer.loss, rows,
                             loss(predicted, y).item<double>());
  }

  std::ostringstream text;
  for (std::size_t j = 0; j < table.header.size(); ++j) text << (j ? "," : "") << table.header[j];
  for (const auto& name : weights->targets) text << ",predicted_" << name;
  text << "\n";
  const auto pa = in_target_units.accessor<float, 2>();
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto& row = table.rows[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < row.size(); ++j) text << (j ? "," : "") << cell_csv(Cell(row[j]));
    for (std::int64_t j = 0; j < outputs; ++j)
      text << "," << fmt::format("{}", pa[i][j]);  // the float's shortest exact text
    text << "\n";
  }
  target.write(text.str());
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("{} predictions of study '{}' trial {} written to {}\n", rows,
                           study.name, trial.number, output);
  return 0;
}

}  // namespace tunelab::cli
