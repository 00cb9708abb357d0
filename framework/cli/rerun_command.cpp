#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <tuple>

#include "cli/commands.h"
#include "cli/query_options.h"
#include "cli/study_plugins.h"
#include "cli/trial_table.h"
#include "common/errors.h"
#include "common/version.h"
#include "runner/trial_training.h"
#include "train/device.h"

namespace tunelab::cli {
namespace {

// |a - b|, where two NaNs agree and a NaN against a number differs by inf.
double difference(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0.0 : INFINITY;
  if (a == b) return 0.0;  // also equal infinities
  return std::abs(a - b);
}

// Float noise: a few float32 rounding steps of the stored value. A rerun on
// the machine and build that recorded the trial differs by 0.
constexpr double kRelativeNoise = 1e-6;

bool above_noise(double difference, double stored) {
  return difference > kRelativeNoise * std::abs(stored);
}

}  // namespace

int rerun_command(const Arguments& args, Registrar& registrar) {
  QueryOptions query;
  std::string device;
  double tolerance = -1;
  po::options_description options("tunelab rerun");
  query.add_to(options, QueryOptions::Names::study_and_trial);
  auto add = options.add_options();
  add("device", po::value(&device), "train on this device instead of the stored one");
  std::vector<std::string> plugins;
  add("plugin", po::value(&plugins)->composing(),
      "load this plugin library (repeatable; stands in for a recorded one of the same name)");
  const std::string tolerance_help = fmt::format(
      "exit 1 when the largest difference is above this (default: above float noise, {:.0e} of "
      "the stored value)",
      kRelativeNoise);
  add("tolerance", po::value(&tolerance), tolerance_help.c_str());
  po::variables_map values;
  if (!parse_arguments(
          "tunelab rerun STUDY TRIAL [--device D] [--tolerance T] [--plugin LIB.so ...] [--storage "
          "URL] [--format table|csv|json]",
          args, options, query.positional, values))
    return 0;
  if (values.count("tolerance") && !(tolerance >= 0 && std::isfinite(tolerance)))
    throw InputError(fmt::format("--tolerance: must be a finite number >= 0, got {}", tolerance));
  const Format format = query.chosen_format();
  const auto store = query.open();
  const StudyInfo study = store->study(query.study);
  const TrialInfo trial = store->trial(study, query.trial);
  const int number = trial.number;
  const std::vector<EpochRow> stored = store->epochs(trial.id);
  if (stored.empty())
    throw InputError(fmt::format("study '{}' trial {} has no stored epochs to compare ({}{})",
                                 study.name, number, to_string(trial.state),
                                 trial.error.empty() ? "" : ": " + trial.error));

  // What differs from the run that recorded the trial is said, not hidden.
  const auto runs = store->provenance(study.id);
  std::vector<std::string> notes = load_study_plugins(runs, plugins, registrar);
  int threads = 1;
  std::string recorded_digest;
  if (!runs.empty()) {
    const ProvenanceInfo& p = runs.back();
    threads = p.threads;
    recorded_digest = p.dataset_digest;
    if (p.tunelab_version != kVersion || p.tunelab_commit != kCommit)
      notes.push_back(fmt::format("recorded by tunelab {} ({}), rerun by tunelab {} ({})",
                                  p.tunelab_version, p.tunelab_commit, kVersion, kCommit));
    if (p.libtorch_version != TORCH_VERSION)
      notes.push_back(fmt::format("recorded with LibTorch {}, rerun with LibTorch {}",
                                  p.libtorch_version, TORCH_VERSION));
  }

  ExperimentConfig config = config_with_params(study.document, trial.params);
  if (!device.empty()) config.device = device;
  const auto base_dir = std::filesystem::path(study.experiment_file).parent_path();
  // The data as the study prepared it: the split, and its folds.
  const Folds data = load_trial_data(config, base_dir, registrar);
  if (!recorded_digest.empty() && data.whole.digest != recorded_digest)
    notes.push_back(fmt::format("the data set changed since (digest {} now, {} recorded)",
                                data.whole.digest, recorded_digest));
  at::set_num_threads(threads);

  std::vector<EpochRecord> fresh;
  const auto started = std::chrono::steady_clock::now();
  const std::string run_device = resolve_device(config.device).str();
  const bool interrupted =
      trial.state == TrialState::fail && trial.error.rfind(kInterruptedPrefix, 0) == 0;
  // A trial that failed in training is reproduced by failing the same way.
  const bool failed_in_training = trial.state == TrialState::fail && !interrupted;
  // A pruned or interrupted trial is stopped where the stored one stopped;
  // the others run as the study ran them, to their own end.
  const bool stopped_from_outside = trial.state == TrialState::pruned || interrupted;
  try {
    const TrialTraining trained =
        train_trial_on(config, data, registrar, trial.seed, [&](const EpochRecord& e) {
          fresh.push_back(e);  // what a failing trial stored: the epochs it saw
          return !stopped_from_outside || static_cast<std::size_t>(e.epoch) < stored.size();
        });
    fresh = trained.result.epochs;  // the trial's curve: for folds, their mean
    if (failed_in_training)
      notes.push_back(fmt::format("did not fail this time (stored: {})", trial.error));
  } catch (const TrainingError& e) {
    if (!failed_in_training) throw;
    notes.push_back(fmt::format("failed again: {} (stored: {})", e.what(), trial.error));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (run_device != trial.device)
    notes.push_back(fmt::format("recorded on {}, rerun on {}", trial.device, run_device));

  double largest = 0;
  bool noisy = false;  // some difference is above float noise
  int where = 0;
  std::string which;
  Table curve{{"epoch", "train_loss", "stored_train_loss", "val_loss", "stored_val_loss"}, {}};
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const double train = i < fresh.size() ? fresh[i].train_loss : NAN;
    const double val = i < fresh.size() ? fresh[i].val_loss : NAN;
    for (const auto& [d, name, was] :
         {std::tuple{difference(train, stored[i].train_loss), "train_loss", stored[i].train_loss},
          std::tuple{difference(val, stored[i].val_loss), "val_loss", stored[i].val_loss}}) {
      noisy = noisy || above_noise(d, was);
      if (d > largest) {
        largest = d;
        where = stored[i].epoch;
        which = name;
      }
    }
    curve.rows.push_back({stored[i].epoch, number_cell(train), number_cell(stored[i].train_loss),
                          number_cell(val), number_cell(stored[i].val_loss)});
  }
  if (fresh.size() > stored.size()) {
    noisy = true;  // trained longer than the stored trial
    if (largest == 0) largest = INFINITY, where = fresh[stored.size()].epoch, which = "epochs";
  }
  // Without --tolerance, anything above float noise in the losses is a
  // failure: a rerun is run to be told whether the trial reproduces.
  const bool within = tolerance >= 0 ? largest <= tolerance : !noisy;

  if (format == Format::table) {
    for (const auto& note : notes) std::cout << "note: " << note << "\n";
    std::cout << fmt::format(
        "study '{}' trial {}: retrained {} of {} stored epochs on {} in {:.2f} s\n", study.name,
        number, std::min(fresh.size(), stored.size()), stored.size(), run_device, seconds);
    std::cout << (largest == 0
                      ? std::string("largest absolute difference from the stored losses: 0 "
                                    "(bit-identical)\n")
                      : fmt::format("largest absolute difference from the stored losses: {:.6g} "
                                    "({} in epoch {})\n",
                                    largest, which, where));
  } else if (format == Format::json) {
    Cell record = {{"study", study.name},
                   {"trial", number},
                   {"epochs", std::min(fresh.size(), stored.size())},
                   {"device", run_device},
                   {"seconds", seconds},
                   {"max_abs_diff", largest},
                   {"notes", notes}};
    std::cout << record.dump(2) << "\n";
  } else {
    print_table(std::cout, curve, format);
  }
  if (!within) {
    std::cerr << fmt::format(
        "tunelab: study '{}' trial {} did not reproduce: {} differs by {:.6g} in epoch {}, above "
        "{}\n",
        study.name, number, which, largest, where,
        tolerance >= 0 ? fmt::format("--tolerance {:.6g}", tolerance)
                       : fmt::format("float noise ({:.0e} of the stored value; --tolerance T "
                                     "allows more)",
                                     kRelativeNoise));
    return 1;
  }
  return 0;
}

}  // namespace tunelab::cli
