#pragma once
// What a trained trial costs, recorded beside its metrics so that accuracy
// can be traded against size and speed (search.objectives): n_params, the
// model's trainable numbers (one fold model's under data.folds);
// train_seconds, the wall-clock time its training took (all folds); and
// predict_ms_per_1k_rows, milliseconds per 1,000 rows of a forward pass over
// the data set's rows (every fold model under folds: that is how the trial
// predicts). The times vary from run to run, as times do.

#include <map>
#include <string>

#include "data/dataset.h"
#include "runner/trial/trained_model.h"

namespace tunelab {

std::map<std::string, double> trial_costs(const TrainedModels& models, const Dataset& rows,
                                          double train_seconds);

}  // namespace tunelab
