#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_command.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "data/csv_table.h"
#include "report/ensemble_text.h"
#include "report/table.h"
#include "report/text.h"
#include "runner/stored/prediction.h"
#include "runner/stored/stored_trial.h"

namespace tunelab::cli {
namespace {

// The trial whose weights to use: the one asked for, else the study's best.
TrialInfo chosen_trial(StudyQueries& store, const StudyInfo& study, std::optional<int> number) {
  if (number) return store.trial(study, *number);
  if (!study.best_number)
    throw InputError(fmt::format("study '{}' has no complete trial to predict with", study.name));
  return store.trial(study, *study.best_number);
}

}  // namespace

int predict_command(const Arguments& args, Registrar& registrar) {
  QueryCommand command("tunelab predict", QueryCommand::Names::study, /*with_format=*/false);
  std::string input, output;
  int number = 0;
  auto add = command.add();
  add("trial", po::value(&number), "the trial whose weights to use (default: the best)");
  bool ensemble = false;
  add("ensemble", po::bool_switch(&ensemble),
      "predict with the study's ensemble (tunelab ensemble, search.ensemble): its members' "
      "weighted mean");
  add("input,i", po::value(&input)->required(),
      "CSV file with a header naming the model's input columns (others are copied through)");
  add("output,o", po::value(&output), "write the predictions here (default: standard output)");
  std::vector<std::string> plugins;
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable): one the study ran with, which a store never loads by "
      "itself");
  if (!command.parse(args,
                     "tunelab predict STUDY [--trial N | --ensemble] --input rows.csv [--output "
                     "preds.csv|-] [--storage URL]"))
    return 0;
  if (ensemble && command.given("trial"))
    throw InputError("--ensemble predicts with the study's ensemble: leave out --trial");
  StudyQueries& store = command.store();
  const OutputFile target("--output", output, store.files());
  const StudyInfo& study = command.study();
  require_study_plugins(study.name,
                        load_study_plugins(store.provenance(study.id), plugins, registrar));
  const CsvTable table = read_csv(input);
  std::vector<std::string> targets;
  Predictions predictions;
  std::string model;
  if (ensemble) {
    const auto kept = store.ensemble(study.id);
    if (!kept)
      throw InputError(fmt::format("study '{}' has no ensemble: tunelab ensemble {} builds one",
                                   study.name, shell_word(study.name)));
    std::vector<Predictions> members;
    std::vector<double> weights;
    for (const auto& [member, weight] : kept->members) {
      const StoredTrialModel stored = rebuild_stored_trial(store, study, store.trial(study, member),
                                                           registrar, Rebuild::trained);
      members.push_back(
          predict_rows(stored, registrar, table, "--input " + input,
                       fmt::format("the model of study '{}' trial {}", study.name, member)));
      weights.push_back(weight);
      targets = stored.targets;
    }
    predictions = combine_predictions(members, weights);
    model = fmt::format("the ensemble of study '{}' (trials {})", study.name,
                        ensemble_members_text(*kept));
    if (!predictions.metrics.empty()) {
      std::string line;
      for (const auto& [name, value] : predictions.metrics)
        if (name != "logloss" || !predictions.classes.empty())
          line += fmt::format("{}{} {:.6g}", line.empty() ? "" : ", ", name, value);
      std::cerr << fmt::format("ensemble on {} rows with targets: {}\n", table.rows(), line);
    }
  } else {
    const TrialInfo trial = chosen_trial(
        store, study, command.given("trial") ? std::optional<int>(number) : std::nullopt);
    const StoredTrialModel stored =
        rebuild_stored_trial(store, study, trial, registrar, Rebuild::trained);
    model = fmt::format("study '{}' trial {}", study.name, trial.number);
    predictions =
        predict_rows(stored, registrar, table, "--input " + input, "the model of " + model);
    targets = stored.targets;
    if (predictions.loss) {
      // The loss it trained with (a classifier's: the log loss), then the
      // task's metrics.
      const bool classes = !predictions.classes.empty();
      std::cerr << fmt::format("{} loss on {} rows with targets: {:.9g}",
                               classes ? "log" : stored.config.trainer.loss, table.rows(),
                               *predictions.loss);
      for (const auto& [name, value] : predictions.metrics)
        if (name != "logloss") std::cerr << fmt::format(", {} {:.6g}", name, value);
      std::cerr << "\n";
    }
  }
  const auto rows = table.rows();

  for (const auto& note : predictions.notes) std::cerr << "note: " << note << "\n";

  // The columns written: the input's, but those that the predictions replace
  // (a file that went through predict before), then the predictions.
  std::vector<std::string> added;
  for (const auto& name : targets) added.push_back("predicted_" + name);
  for (const auto& name : predictions.classes) added.push_back("probability_" + name);
  std::vector<std::size_t> kept;
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    if (std::find(added.begin(), added.end(), table.header[j]) == added.end())
      kept.push_back(j);
    else
      std::cerr << fmt::format("note: --input's column '{}' is replaced by this prediction\n",
                               table.header[j]);
  }
  std::ostringstream text;
  for (std::size_t k = 0; k < kept.size(); ++k)
    text << (k ? "," : "") << cell_csv(Cell(table.header[kept[k]]));
  // (The model's input columns are always kept: there is one before these.)
  for (const auto& name : added) text << "," << cell_csv(Cell(name));
  text << "\n";
  const auto pa = predictions.values.accessor<float, 2>();
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < kept.size(); ++k)
      text << (k ? "," : "") << cell_csv(Cell(std::string(table.cell(i, kept[k]))));
    const auto predicted = pa[static_cast<std::int64_t>(i)];
    if (predictions.classes.empty()) {
      for (std::int64_t j = 0; j < predictions.values.size(1); ++j)
        text << "," << fmt::format("{}", predicted[j]);  // the float's shortest exact text
    } else {
      // The most probable class, then every class's probability.
      std::int64_t chosen = 0;
      for (std::int64_t c = 1; c < predictions.values.size(1); ++c)
        if (predicted[c] > predicted[chosen]) chosen = c;
      text << "," << cell_csv(Cell(predictions.classes[static_cast<std::size_t>(chosen)]));
      for (std::int64_t c = 0; c < predictions.values.size(1); ++c)
        text << "," << fmt::format("{}", predicted[c]);
    }
    text << "\n";
  }
  target.write(text.str());
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("{} predictions of {} written to {}\n", rows, model, output);
  return 0;
}

}  // namespace tunelab::cli
