#include "runner/trial/objective_trial.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include <algorithm>

#include "plugin/registrar.h"

namespace tunelab {

ObjectiveFunction objective_function(const ExperimentConfig& config, const Registrar& registrar) {
  const ObjectiveFactory& factory =
      registrar.objectives.factory_at("objective.name", config.objective.name);
  try {
    return factory(config.objective.section);
  } catch (const ConfigError& e) {
    throw e.under("objective");
  }
}

std::map<std::string, double> evaluate_objective(const ExperimentConfig& config,
                                                 const Registrar& registrar) {
  const ObjectiveFunction f = objective_function(config, registrar);
  std::vector<double> point;
  for (const auto& input : f.inputs) {
    const auto& value = config.objective.section.contains(input)
                            ? config.objective.section.at(input)
                            : nlohmann::json();
    if (value.is_null())
      throw ConfigError("objective." + input,
                        fmt::format("missing: objective '{}' reads {}; set it or search over "
                                    "objective.{}",
                                    config.objective.name, input, input));
    if (!value.is_number())
      throw ConfigError("objective." + input,
                        fmt::format("expected a number, got {}", value.dump()));
    point.push_back(value.get<double>());
  }
  if (f.outputs.empty()) return {{"value", f.at(point)}};
  const std::vector<double> values = f.at_each(point);
  std::map<std::string, double> out;
  for (std::size_t i = 0; i < f.outputs.size() && i < values.size(); ++i)
    out[f.outputs[i]] = values[i];
  return out;
}

}  // namespace tunelab
