#pragma once
// A stored trial trained again as the study trained it (its folds, seed,
// threads), and its losses compared with the stored ones, epoch by epoch.

#include <cstddef>
#include <string>
#include <vector>

#include "runner/trial/trained_model.h"
#include "store/store.h"

namespace tunelab {

struct Registrar;

// Float noise: a few float32 rounding steps of the stored value. A rerun on
// the machine and build that recorded the trial differs by 0.
inline constexpr double kRerunRelativeNoise = 1e-6;

struct RerunEpoch {
  int epoch = 0;
  double train_loss = 0, stored_train_loss = 0;
  double val_loss = 0, stored_val_loss = 0;  // NaN where the rerun stopped before
};

struct Rerun {
  std::vector<RerunEpoch> curve;  // one row per stored epoch
  std::size_t retrained = 0;      // stored epochs that were trained again
  std::string device;
  double seconds = 0;
  // What differs from the run that recorded the trial (versions, data,
  // device), and how a failed trial fared.
  std::vector<std::string> notes;
  // The largest absolute difference, which loss ("train_loss", "val_loss",
  // or "epochs" when the rerun trained longer) and in which epoch.
  double largest = 0;
  std::string which;
  int epoch = 0;
  bool above_noise = false;  // some difference is above kRerunRelativeNoise
  // What was trained, as a trial's weights file keeps it, and the columns
  // it reads and predicts.
  TrainedModels models;
  std::vector<std::string> feature_names, target_names;
};

// `device` (empty: the study's) is where to train. Throws InputError for a
// trial without stored epochs.
Rerun rerun_trial(StudyQueries& store, const StudyInfo& study, const TrialInfo& trial,
                  const Registrar& registrar, const std::string& device);

}  // namespace tunelab
