#pragma once
// What a pruner compares at each epoch of a study's trials (EpochValues).
// A study of one objective compares the validation loss, as pruners always
// have; `search.pruner.objective` names one objective whose curve it
// compares instead; a study of several objectives compares all their curves
// at once, by dominance. An objective's curve, epoch by epoch:
//   val_loss and every validation metric (val_rmse, val_accuracy, ...): the
//     validation loss, which training measures each epoch and the metric is
//     computed from once it has trained;
//   train_loss: the training loss;
//   n_params: the model's size, the same at every epoch;
//   train_seconds: the training time up to that epoch.
// Test metrics and predict_ms_per_1k_rows are measured once a trial has
// trained, so they have none. Every value is a loss: a maximised one is
// negated, and a validation metric's stand-in is the validation loss itself.

#include <string>
#include <vector>

#include "search/direction.h"
#include "search/sampler.h"
#include "search/trial_state.h"

namespace tunelab {

class PruningCurves {
 public:
  // The validation loss alone (what the none pruner is given).
  PruningCurves() : parts_{{Curve::validation_loss, 1.0, 0}} {}

  // `named`: search.pruner.objective, or empty. Throws
  // ConfigError("search.pruner.objective") for a name that is not one of
  // `objectives` or has no curve, and ConfigError("search.pruner") for
  // several objectives one of which has no curve.
  PruningCurves(const std::vector<Objective>& objectives, const std::string& named);

  // Whether the values need the model's size before training (n_params).
  bool needs_parameter_count() const;

  // A trial's values at epoch `last`, `seconds` into its training, for a
  // model of `parameters` numbers.
  EpochValues at(const EpochLosses& last, double seconds, double parameters) const;

  // The finished trials' curves (a trial without epochs has an empty one).
  std::vector<TrialCurve> of(const std::vector<FinishedTrial>& trials) const;

 private:
  enum class Curve { validation_loss, training_loss, parameters, seconds };
  struct Part {
    Curve curve;
    double sign;            // -1 for a maximised objective of its own curve
    std::size_t objective;  // its index in FinishedTrial::values
  };
  std::vector<Part> parts_;
};

}  // namespace tunelab
