#pragma once
// The model section of an experiment: which model, and the settings its
// factory reads.

#include <string>

#include <nlohmann/json.hpp>

namespace tunelab {

struct ModelConfig {
  std::string name = "resnet";
  // Every other key of the model section, handed to the model's factory.
  nlohmann::json settings = nlohmann::json::object();
};

}  // namespace tunelab
