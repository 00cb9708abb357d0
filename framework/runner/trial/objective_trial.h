#pragma once
// A trial of an objective experiment: a registered function evaluated at
// the point the objective section states, with no data and no training.

#include <map>
#include <string>

#include "config/experiment_loader.h"
#include "search/objective.h"

namespace tunelab {

struct Registrar;

// The function the objective section names, made from its settings.
// ConfigError under "objective" for an unknown name or bad settings.
ObjectiveFunction objective_function(const ExperimentConfig& config, const Registrar& registrar);

// An objective experiment's function at the point its objective section
// states: its outputs by name ("value" for a function of one). ConfigError
// ("objective.x1") for an input that is missing or not a number.
std::map<std::string, double> evaluate_objective(const ExperimentConfig& config,
                                                 const Registrar& registrar);

}  // namespace tunelab
