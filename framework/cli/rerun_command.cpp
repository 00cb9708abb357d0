#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "cli/commands.h"
#include "cli/query_command.h"
#include "cli/study_plugins.h"
#include "common/errors.h"
#include "report/trial_table.h"
#include "runner/stored/rerun.h"

namespace tunelab::cli {

int rerun_command(const Arguments& args, Registrar& registrar) {
  QueryCommand command("tunelab rerun", QueryCommand::Names::study_and_trial);
  std::string device;
  double tolerance = -1;
  auto add = command.add();
  add("device", po::value(&device), "train on this device instead of the stored one");
  std::vector<std::string> plugins;
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable): one the study ran with, which a store never loads by "
      "itself");
  const std::string tolerance_help = fmt::format(
      "exit 1 when the largest difference is above this (default: above float noise, {:.0e} of "
      "the stored value)",
      kRerunRelativeNoise);
  add("tolerance", po::value(&tolerance), tolerance_help.c_str());
  if (!command.parse(args,
                     "tunelab rerun STUDY TRIAL [--device D] [--tolerance T] [--plugin LIB.so ...] "
                     "[--storage URL] [--format table|csv|json]"))
    return 0;
  if (command.given("tolerance") && !(tolerance >= 0 && std::isfinite(tolerance)))
    throw InputError(fmt::format("--tolerance: must be a finite number >= 0, got {}", tolerance));
  const Format format = command.format();
  StudyQueries& store = command.store();
  const StudyInfo& study = command.study();
  const TrialInfo trial = command.trial();
  const int number = trial.number;
  require_study_plugins(study.name,
                        load_study_plugins(store.provenance(study.id), plugins, registrar));
  const Rerun rerun = rerun_trial(store, study, trial, registrar, device);
  // What differs from the run that recorded the trial is said, not hidden.
  const std::vector<std::string>& notes = rerun.notes;
  Table curve{{"epoch", "train_loss", "stored_train_loss", "val_loss", "stored_val_loss"}, {}};
  for (const RerunEpoch& e : rerun.curve)
    curve.rows.push_back({e.epoch, number_cell(e.train_loss), number_cell(e.stored_train_loss),
                          number_cell(e.val_loss), number_cell(e.stored_val_loss)});
  // Without --tolerance, anything above float noise in the losses is a
  // failure: a rerun is run to be told whether the trial reproduces.
  const bool within = tolerance >= 0 ? rerun.largest <= tolerance : !rerun.above_noise;

  if (format == Format::table) {
    for (const auto& note : notes) std::cout << "note: " << note << "\n";
    std::cout << fmt::format(
        "study '{}' trial {}: retrained {} of {} stored epochs on {} in {:.2f} s\n", study.name,
        number, rerun.retrained, rerun.curve.size(), rerun.device, rerun.seconds);
    std::cout << (rerun.largest == 0
                      ? std::string("largest absolute difference from the stored losses: 0 "
                                    "(bit-identical)\n")
                      : fmt::format("largest absolute difference from the stored losses: {:.6g} "
                                    "({} in epoch {})\n",
                                    rerun.largest, rerun.which, rerun.epoch));
  } else if (format == Format::json) {
    Cell record = {
        {"study", study.name},    {"trial", number},          {"epochs", rerun.retrained},
        {"device", rerun.device}, {"seconds", rerun.seconds}, {"max_abs_diff", rerun.largest},
        {"notes", notes}};
    std::cout << record.dump(2) << "\n";
  } else {
    print_table(std::cout, curve, format);
  }
  if (!within) {
    std::cerr << fmt::format(
        "tunelab: study '{}' trial {} did not reproduce: {} differs by {:.6g} in epoch {}, above "
        "{}\n",
        study.name, number, rerun.which, rerun.largest, rerun.epoch,
        tolerance >= 0 ? fmt::format("--tolerance {:.6g}", tolerance)
                       : fmt::format("float noise ({:.0e} of the stored value; --tolerance T "
                                     "allows more)",
                                     kRerunRelativeNoise));
    return 1;
  }
  return 0;
}

}  // namespace tunelab::cli
