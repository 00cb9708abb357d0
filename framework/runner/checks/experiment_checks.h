#pragma once
// Whether an experiment can run, decided before anything trains: every name
// it gives resolved, every option read, the search's sampler, pruner and
// space, and the metric against the data's task.

#include "config/experiment_loader.h"
#include "runner/prepare/prepared_data.h"

namespace tunelab {

struct Registrar;

// Resolves every registry name and builds the model, optimizer and loss once,
// without loading data or training, so that mistakes surface before anything
// runs. Throws ConfigError keyed by the offending value.
void check_config(const ExperimentConfig& config, const Registrar& registrar);

// check_config, plus the search: sampler and pruner, and every dimension of
// the space at its ends and every choice, set into the experiment.
void check_experiment(const Experiment& experiment, const Registrar& registrar);

// ConfigError("search.metric") for a metric the data's task does not
// record (val_accuracy of a regression, val_rmse of a classifier, f1 of
// three classes).
void check_metric_for_task(const ExperimentConfig& config, const PreparedData& data);

}  // namespace tunelab
