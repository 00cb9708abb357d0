#pragma once
// The trainer section of an experiment: optimizer, loss, batches, epochs.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tunelab {

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
  // Whether the file names the loss: a classifier that does not trains with
  // cross_entropy instead of the default.
  bool loss_stated = false;
  nlohmann::json loss_args = nlohmann::json::object();
  EarlyStopping early_stopping;
  // The learning rate over the training (train/lr_schedule.h): lr times the
  // schedule's factor at each step, after a linear warm-up.
  std::string schedule = "constant";
  double warmup_epochs = 0;
  // The gradient's largest norm (over all parameters together) before each
  // update; 0: not clipped.
  double grad_clip = 0;
  // The fast path: an elementwise optimizer updates one flat buffer of all
  // parameters (train/flat_parameters.h); Adam and AdamW in one fused pass
  // on the CPU (with the chapter's ResNet's step written out by hand), as a
  // recorded CUDA graph on a GPU. false: tensor by tensor, as LibTorch's
  // optimizers do on their own; the same math, to rounding.
  bool fast_path = true;
};

}  // namespace tunelab
