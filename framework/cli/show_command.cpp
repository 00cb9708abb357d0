#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "report/trial_table.h"

namespace tunelab::cli {

int show_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab show", QueryCommand::Names::study_and_trial);
  if (!command.parse(args,
                     "tunelab show STUDY TRIAL [--storage URL] [--format table|csv|json]\n"
                     "  (csv: the per-epoch curve; table and json: everything)"))
    return 0;
  const Format format = command.format();
  StudyQueries& store = command.store();
  const StudyInfo& study = command.study();
  const TrialInfo trial = command.trial();

  Table curve{{"epoch", "train_loss", "val_loss", "lr", "seconds"}, {}};
  for (const auto& e : store.epochs(trial.id))
    curve.rows.push_back({e.epoch, number_cell(e.train_loss), number_cell(e.val_loss),
                          number_cell(e.lr), number_cell(e.seconds)});
  if (format == Format::csv) {
    print_table(std::cout, curve, format);
    return 0;
  }

  Cell record = trial_record(store, study, trial);
  Cell epochs = Cell::array();
  for (const auto& row : curve.rows) {
    Cell e = Cell::object();
    for (std::size_t j = 0; j < curve.columns.size(); ++j) e[curve.columns[j]] = row[j];
    epochs.push_back(std::move(e));
  }
  record["epochs"] = epochs;
  Cell runs = Cell::array();
  for (const auto& p : store.provenance(study.id))
    runs.push_back({{"recorded_at", p.recorded_at},
                    {"tunelab", p.tunelab_version + " (" + p.tunelab_commit + ")"},
                    {"libtorch", p.libtorch_version},
                    {"device", p.device},
                    {"host", p.host},
                    {"threads", p.threads},
                    {"blas", p.blas},
                    {"config_hash", p.config_hash},
                    {"dataset_digest", p.dataset_digest}});
  record["provenance"] = runs;
  print_record(std::cout, record, format);
  return 0;
}

}  // namespace tunelab::cli
