#pragma once
// Training one model: the epoch loop, early stopping on the validation loss,
// and evaluation of the best weights on the test split.

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <c10/core/Device.h>
#include <torch/nn/modules/container/sequential.h>
#include <nlohmann/json.hpp>

#include "data/split.h"
#include "train/step_choice.h"
#include "train/trainer_config.h"

namespace tunelab {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct EpochRecord {
  int epoch = 0;                 // from 1
  double train_loss = kNoValue;  // mean over the epoch's mini-batches, weighted by rows
  double val_loss = kNoValue;    // NaN without a validation split
  double lr = kNoValue;
  double seconds = 0.0;
};

struct TrainResult {
  std::vector<EpochRecord> epochs;
  int best_epoch = 0;  // the epoch whose weights were kept
  double best_val_loss = kNoValue;
  double test_loss = kNoValue;  // of the kept weights; NaN without a test split
  bool stopped_early = false;
  bool stopped_by_caller = false;
  // What the caller should tell the user (a fast path given up, and why).
  std::vector<std::string> warnings;
};

// Called after every epoch; returning false stops training (a pruner's say).
using EpochCallback = std::function<bool(const EpochRecord&)>;

// Trains `model` on splits.train with the step choose_step() picks (the
// config's batch size and epochs checked by the caller: at least 1). `seed`
// drives the mini-batch shuffling. The model keeps the weights of the best validation epoch (the
// last epoch when there is no validation split). Throws TrainingError on a non-finite training
// loss, and when no epoch had a finite validation loss.
TrainResult train_model(torch::nn::Sequential& model, const Splits& splits,
                        const TrainerConfig& config, const TrainingComponents& components,
                        const c10::Device& device, std::uint64_t seed,
                        const EpochCallback& on_epoch = {});

}  // namespace tunelab
