#include "config/experiment.h"
#include "config/experiment_keys.h"

namespace tunelab {

nlohmann::json to_json(const ExperimentConfig& c) { return experiment_keys().write(c); }

}  // namespace tunelab
