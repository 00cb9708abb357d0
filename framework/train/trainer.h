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

namespace tunelab {

struct Registrar;

struct EarlyStopping {
  int patience = 0;        // epochs without improvement before stopping; 0: never stop early
  double min_delta = 0.0;  // smallest decrease that counts as an improvement
};

struct TrainerConfig {
  std::string optimizer = "adam";
  nlohmann::json optimizer_args = nlohmann::json::object();
  double lr = 1e-3;
  double weight_decay = 0.0;
  std::int64_t batch_size = 64;
  int epochs = 100;
  std::string loss = "mse";
  nlohmann::json loss_args = nlohmann::json::object();
  EarlyStopping early_stopping;
  // The fast path: an elementwise optimizer updates one flat buffer of all
  // parameters (train/flat_parameters.h); Adam and AdamW in one fused pass
  // on the CPU (with the chapter's ResNet's step written out by hand), as a
  // recorded CUDA graph on a GPU. false: tensor by tensor, as LibTorch's
  // optimizers do on their own; the same math, to rounding.
  bool fast_path = true;
};

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
};

// Called after every epoch; returning false stops training (a pruner's say).
using EpochCallback = std::function<bool(const EpochRecord&)>;

// Trains `model` on splits.train. `seed` drives the mini-batch shuffling. The
// model keeps the weights of the best validation epoch (the last epoch when
// there is no validation split). Throws TrainingError on a non-finite
// training loss, and when no epoch had a finite validation loss.
TrainResult train_model(torch::nn::Sequential& model, const Splits& splits,
                        const TrainerConfig& config, const Registrar& registrar,
                        const c10::Device& device, std::uint64_t seed,
                        const EpochCallback& on_epoch = {});

}  // namespace tunelab
