#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_command.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "data/csv_table.h"
#include "report/ensemble_text.h"
#include "report/prediction_csv.h"
#include "report/text.h"
#include "runner/stored/prediction.h"
#include "runner/stored/stored_trial.h"

namespace tunelab::cli {
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
    predictions =
        predict_with_ensemble(store, study, *kept, registrar, table, "--input " + input, targets);
    model = fmt::format("the ensemble of study '{}' (trials {})", study.name,
                        ensemble_members_text(*kept));
    if (!predictions.metrics.empty())
      std::cerr << fmt::format("ensemble on {} rows with targets: {}\n", table.rows(),
                               metrics_text(predictions, !predictions.classes.empty()));
  } else {
    const TrialInfo trial = trial_to_predict_with(
        store, study, command.given("trial") ? std::optional<int>(number) : std::nullopt);
    const StoredTrialModel stored =
        rebuild_stored_trial(store, study, trial, registrar, Rebuild::trained);
    model = fmt::format("study '{}' trial {}", study.name, trial.number);
    predictions =
        predict_rows(stored, registrar, table, "--input " + input, "the model of " + model);
    targets = stored.targets;
    const std::string metrics = metrics_text(predictions, false);
    if (predictions.loss)
      // The loss it trained with (a classifier's: the log loss), then the
      // task's metrics.
      std::cerr << fmt::format("{} loss on {} rows with targets: {:.9g}{}\n",
                               predictions.classes.empty() ? stored.config.trainer.loss : "log",
                               table.rows(), *predictions.loss,
                               metrics.empty() ? "" : ", " + metrics);
  }
  const auto rows = table.rows();

  for (const auto& note : predictions.notes) std::cerr << "note: " << note << "\n";

  std::vector<std::string> replaced;
  const std::string text = predictions_csv(table, targets, predictions, replaced);
  for (const auto& column : replaced)
    std::cerr << fmt::format("note: --input's column '{}' is replaced by this prediction\n",
                             column);
  target.write(text);
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("{} predictions of {} written to {}\n", rows, model, output);
  return 0;
}

}  // namespace tunelab::cli
