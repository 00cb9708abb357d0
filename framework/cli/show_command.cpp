#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "cli/trial_table.h"

namespace tunelab::cli {

int show_command(const Arguments& args, const Registrar&) {
  QueryOptions query;
  std::string study_name;
  int number = 0;
  po::options_description options("tunelab show");
  query.add_to(options);
  auto add = options.add_options();
  add("study", po::value(&study_name)->required(), "the study");
  add("trial", po::value(&number)->required(), "the trial's number");
  po::positional_options_description positional;
  positional.add("study", 1).add("trial", 1);
  po::variables_map values;
  if (!parse_arguments("tunelab show STUDY TRIAL [--storage URL] [--format table|csv|json]\n"
                       "  (csv: the per-epoch curve; table and json: everything)",
                       args, options, positional, values))
    return 0;
  const Format format = query.chosen_format();
  const auto store = query.open();
  const StudyInfo study = store->study(study_name);
  const TrialInfo trial = store->trial(study, number);

  Table curve{{"epoch", "train_loss", "val_loss", "lr", "seconds"}, {}};
  for (const auto& e : store->epochs(trial.id))
    curve.rows.push_back({e.epoch, number_cell(e.train_loss), number_cell(e.val_loss),
                          number_cell(e.lr), number_cell(e.seconds)});
  if (format == Format::csv) {
    print_table(std::cout, curve, format);
    return 0;
  }

  Cell record = Cell::object();
  record["study"] = study.name;
  record["trial"] = trial.number;
  record["state"] = to_string(trial.state);
  record["metric"] = study.metric;
  record["value"] = number_cell(trial.value);
  record["train_loss"] = number_cell(trial.train_loss);
  record["val_loss"] = number_cell(trial.val_loss);
  record["test_loss"] = number_cell(trial.test_loss);
  record["kept_epoch"] = trial.best_epoch ? Cell(*trial.best_epoch) : Cell();
  record["epochs_run"] = trial.epochs_run;
  record["seed"] = trial.seed;
  record["device"] = trial.device;
  record["started_at"] = trial.started_at;
  record["finished_at"] = trial.finished_at.empty() ? Cell() : Cell(trial.finished_at);
  record["duration_s"] = number_cell(trial.duration_s);
  if (!trial.error.empty()) record["error"] = trial.error;
  Cell params = Cell::object();
  for (const auto& [path, value] : trial.params) params[path] = Cell(value);
  record["params"] = params;
  const auto weights = store->weights(trial.id);
  record["weights"] = weights ? Cell(weights->file.string()) : Cell();
  Cell epochs = Cell::array();
  for (const auto& row : curve.rows) {
    Cell e = Cell::object();
    for (std::size_t j = 0; j < curve.columns.size(); ++j) e[curve.columns[j]] = row[j];
    epochs.push_back(std::move(e));
  }
  record["epochs"] = epochs;
  Cell runs = Cell::array();
  for (const auto& p : store->provenance(study.id))
    runs.push_back({{"recorded_at", p.recorded_at},
                    {"tunelab", p.tunelab_version + " (" + p.tunelab_commit + ")"},
                    {"libtorch", p.libtorch_version},
                    {"device", p.device},
                    {"host", p.host},
                    {"threads", p.threads},
                    {"config_hash", p.config_hash},
                    {"dataset_digest", p.dataset_digest}});
  record["provenance"] = runs;
  print_record(std::cout, record, format);
  return 0;
}

}  // namespace tunelab::cli
