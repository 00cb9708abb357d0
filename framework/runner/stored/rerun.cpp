#include "runner/stored/rerun.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <tuple>

#include "common/errors.h"
#include "common/version.h"
#include "config/experiment_loader.h"
#include "runner/trial/trial_training.h"
#include "train/device.h"

namespace tunelab {
namespace {

// |a - b|, where two NaNs agree and a NaN against a number differs by inf.
double difference(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0.0 : INFINITY;
  if (a == b) return 0.0;  // also equal infinities
  return std::abs(a - b);
}

bool above_noise(double difference, double stored) {
  return difference > kRerunRelativeNoise * std::abs(stored);
}

// The fresh curve against the stored one, epoch by epoch: the largest
// difference, where, and whether any is above float noise (a curve longer
// than the stored one is).
void compare_with_stored(Rerun& rerun, const std::vector<EpochRow>& stored,
                         const std::vector<EpochRecord>& fresh) {
  rerun.retrained = std::min(fresh.size(), stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const RerunEpoch row{stored[i].epoch, i < fresh.size() ? fresh[i].train_loss : NAN,
                         stored[i].train_loss, i < fresh.size() ? fresh[i].val_loss : NAN,
                         stored[i].val_loss};
    for (const auto& [d, name, was] : {std::tuple{difference(row.train_loss, row.stored_train_loss),
                                                  "train_loss", row.stored_train_loss},
                                       std::tuple{difference(row.val_loss, row.stored_val_loss),
                                                  "val_loss", row.stored_val_loss}}) {
      rerun.above_noise = rerun.above_noise || above_noise(d, was);
      if (d > rerun.largest) {
        rerun.largest = d;
        rerun.epoch = row.epoch;
        rerun.which = name;
      }
    }
    rerun.curve.push_back(row);
  }
  if (fresh.size() > stored.size()) {
    rerun.above_noise = true;  // trained longer than the stored trial
    if (rerun.largest == 0) {
      rerun.largest = INFINITY;
      rerun.epoch = fresh[stored.size()].epoch;
      rerun.which = "epochs";
    }
  }
}

}  // namespace

Rerun rerun_trial(StudyQueries& store, const StudyInfo& study, const TrialInfo& trial,
                  const Registrar& registrar, const std::string& device) {
  const std::vector<EpochRow> stored = store.epochs(trial.id);
  if (stored.empty())
    throw InputError(fmt::format(
        "study '{}' trial {} has no stored epochs to compare ({}{})", study.name, trial.number,
        to_string(trial.state),
        !trial.feasible() ? ", infeasible: its model broke a bound of search.constraints and was "
                            "never trained"
        : trial.error.empty() ? ""
                              : ": " + trial.error));
  Rerun rerun;
  // What differs from the run that recorded the trial is said, not hidden.
  const auto runs = store.provenance(study.id);
  int threads = 1;
  std::string recorded_digest;
  if (!runs.empty()) {
    const ProvenanceInfo& p = runs.back();
    threads = p.threads;
    recorded_digest = p.dataset_digest;
    if (p.tunelab_version != kVersion || p.tunelab_commit != kCommit)
      rerun.notes.push_back(fmt::format("recorded by tunelab {} ({}), rerun by tunelab {} ({})",
                                        p.tunelab_version, p.tunelab_commit, kVersion, kCommit));
    if (p.libtorch_version != TORCH_VERSION)
      rerun.notes.push_back(fmt::format("recorded with LibTorch {}, rerun with LibTorch {}",
                                        p.libtorch_version, TORCH_VERSION));
  }

  ExperimentConfig config = config_with_params(study.document, trial.params);
  if (!device.empty()) config.device = device;
  const auto base_dir = std::filesystem::path(study.experiment_file).parent_path();
  // The data as the study prepared it: the split, and its folds.
  const Folds data = load_trial_data(config, base_dir, registrar);
  if (!recorded_digest.empty() && data.whole.digest != recorded_digest)
    rerun.notes.push_back(fmt::format("the data set changed since (digest {} now, {} recorded)",
                                      data.whole.digest, recorded_digest));
  at::set_num_threads(threads);

  std::vector<EpochRecord> fresh;
  const auto started = std::chrono::steady_clock::now();
  rerun.device = resolve_device(config.device).str();
  const bool interrupted = trial.state == TrialState::fail && trial.interrupted;
  // A trial that failed in training is reproduced by failing the same way.
  const bool failed_in_training = trial.state == TrialState::fail && !interrupted;
  // A pruned or interrupted trial is stopped where the stored one stopped;
  // the others run as the study ran them, to their own end.
  const bool stopped_from_outside = trial.state == TrialState::pruned || interrupted;
  try {
    TrialTraining trained =
        train_trial_on(config, data, registrar, trial.seed, [&](const EpochRecord& e) {
          fresh.push_back(e);  // what a failing trial stored: the epochs it saw
          return !stopped_from_outside || static_cast<std::size_t>(e.epoch) < stored.size();
        });
    fresh = trained.result.epochs;  // the trial's curve: for folds, their mean
    rerun.models = std::move(trained.models);
    rerun.feature_names = data.whole.feature_names;
    rerun.target_names = data.whole.target_names;
    if (failed_in_training)
      rerun.notes.push_back(fmt::format("did not fail this time (stored: {})", trial.error));
  } catch (const TrainingError& e) {
    if (!failed_in_training) throw;
    rerun.notes.push_back(fmt::format("failed again: {} (stored: {})", e.what(), trial.error));
  }
  rerun.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (rerun.device != trial.device)
    rerun.notes.push_back(fmt::format("recorded on {}, rerun on {}", trial.device, rerun.device));

  compare_with_stored(rerun, stored, fresh);
  return rerun;
}

}  // namespace tunelab
