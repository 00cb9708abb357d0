#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/output_file.h"
#include "cli/query_command.h"
#include "common/errors.h"
#include "report/trial_table.h"
#include "store/optuna_export.h"

namespace tunelab::cli {

int export_command(const Arguments& args, Registrar&) {
  QueryCommand command("tunelab export", QueryCommand::Names::study, /*with_format=*/true, "csv");
  std::string output, optuna;
  bool force = false;
  auto add = command.add();
  add("output,o", po::value(&output), "write to this file (default: standard output)");
  add("optuna", po::value(&optuna),
      "write the study into this Optuna storage file (SQLite, RDB schema 12) for "
      "optuna.load_study and optuna-dashboard; an existing one gets the study added");
  add("force", po::bool_switch(&force),
      "with --optuna: replace an existing file with a new storage holding this study");
  if (!command.parse(args,
                     "tunelab export STUDY [--format csv|json] [--output FILE|-] [--optuna FILE.db "
                     "[--force]] [--storage URL]"))
    return 0;
  StudyQueries& store = command.store();
  if (!optuna.empty()) {
    if (!output.empty())
      throw InputError("--optuna and --output: choose one (--optuna writes an Optuna storage)");
    const OutputFile target("--optuna", optuna, store.files());
    if (target.is_standard_output() || target.kind() == OutputFile::Kind::write_through)
      throw InputError(fmt::format(
          "--optuna {}: an Optuna storage is an SQLite file; name a regular file", optuna));
    const StudyInfo& study = command.study();
    export_to_optuna(store, study, target.path(),
                     force ? OptunaExport::replace_file : OptunaExport::add_to_file);
    std::cerr << fmt::format(
        "{} trials of study '{}' written to {}; in Python: optuna.load_study(study_name={}, "
        "storage=\"sqlite:///{}\")\n",
        study.trials(), study.name, optuna, nlohmann::json(study.name).dump(), optuna);
    return 0;
  }
  const Format format = command.format();
  if (format == Format::table)
    throw InputError("--format: export writes csv or json (tunelab trials prints a table)");
  if (force) throw InputError("--force: only with --optuna (--output replaces its file anyway)");
  const OutputFile target("--output", output, store.files());
  const StudyInfo& study = command.study();

  std::ostringstream text;
  print_table(text, export_table(store.trials(study.id)), format);
  target.write(text.str());
  if (target.is_standard_output()) return 0;
  std::cerr << fmt::format("{} trials of study '{}' written to {}\n", study.trials(), study.name,
                           output);
  return 0;
}

}  // namespace tunelab::cli
