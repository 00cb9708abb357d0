#pragma once
// A stored trial's network rebuilt as it trained: the study's experiment with
// the trial's params, sized by the data it trained on, and with its kept
// weights where asked. Every command that turns a stored trial back into a
// model (predict, report) goes through here; rerun trains it again, as the
// study did (runner/trial_training.h).

#include <cstdint>
#include <optional>
#include <vector>

#include <torch/nn/modules/container/sequential.h>

#include "config/experiment.h"
#include "runner/trial/trained_model.h"
#include "store/store.h"

namespace tunelab {

struct Registrar;

struct StoredTrialModel {
  ExperimentConfig config;  // the study's experiment with the trial's params
  std::int64_t inputs = 0, outputs = 1;
  // The data's columns, in the order the model reads and predicts them.
  std::vector<std::string> features, targets;
  // With Rebuild::architecture: the network, untrained.
  torch::nn::Sequential model;
  // With Rebuild::trained: the kept weights, one model per fold.
  std::optional<TrainedModels> trained;
};

enum class Rebuild { architecture, trained };

// The data's shape comes from the kept weights' column lists, else from
// loading the study's data (relative to its experiment file). Rebuild::trained
// loads the kept weights too; a trial that kept none is an InputError naming
// the trials that did.
StoredTrialModel rebuild_stored_trial(StudyQueries& store, const StudyInfo& study,
                                      const TrialInfo& trial, const Registrar& registrar,
                                      Rebuild what);

}  // namespace tunelab
